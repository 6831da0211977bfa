/*
 * The pinned dataset files (see manifest.h).  To pin a new file: add its
 * upstream URL at a fixed commit and the sha256sum of a copy whose git blob
 * id matches that commit, and say where it came from in the comment above
 * its table.
 */
#include <stdio.h>
#include <string.h>

#include "../base/suggest.h"
#include "../base/util.h"
#include "manifest.h"
#include "seed.h"
#include "suite.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * VSR: github.com/cambridgeltl/visual-spatial-reasoning at b27a0af (master,
 * 2023-03-25); the data files last changed in cccb22f (the TACL version).
 * Apache-2.0: LICENSE travels with the data.
 */
#define VSR_RAW \
	"https://raw.githubusercontent.com/cambridgeltl/visual-spatial-reasoning/" \
	"b27a0af0ee1462d2b6b92c8c83e869d9254a241a/"
#define VSR(p, size, digest) { "vsr/" p, VSR_RAW p, NULL, size, digest, NULL }
static const struct manifest_file vsr_files[] = {
	VSR("data/splits/random/train.jsonl", 2362151,
	    "sha256:8b725a8621f2d0f94745f1fefdcf3ff8a7eb96fd358676296ff9c9a4ff463c6e"),
	VSR("data/splits/random/dev.jsonl", 338049,
	    "sha256:90de24b811597a913310d043758f1119a1ba9ebf1b1ca8f1e27c4907f01980d4"),
	VSR("data/splits/random/test.jsonl", 674712,
	    "sha256:8ade82a0b93ac9dc1e53f6cf1f11e9d5536776a3715102b6b4d27d4f81d551cc"),
	VSR("data/splits/zeroshot/train.jsonl", 1114884,
	    "sha256:62daf2c5d573667038f88feaf1d26a1154c892083a72d83ed5c7551666ed3066"),
	VSR("data/splits/zeroshot/dev.jsonl", 107245,
	    "sha256:0abda42fe9333ab6a8671b32886738b5cfa6d37a8c277b56d8368c339c8dffce"),
	VSR("data/splits/zeroshot/test.jsonl", 380380,
	    "sha256:914d9156723b912d8f794b179248af865a68c5f81c9d8e3a21d007778cacaad4"),
	VSR("data/data_files/all_vsr_validated_data.jsonl", 3374912,
	    "sha256:096251a50060c63b242e074697d835acd0e7d5c97eedaeeccf08301982f1252e"),
	VSR("data/data_files/all_vsr_raw_data.jsonl", 3407334,
	    "sha256:8ffdc9aff1155f996bdb82f114409d9b9fa730fa93e78e9bae864698e3b985ac"),
	VSR("data/data_files/meta_data.csv", 7438,
	    "sha256:fc6dc64bdb2055ee2125049929388329b66534d3d492a5e4e391981ccc5c47a3"),
	VSR("analysis_scripts/rel_meta_category_dict.txt", 790,
	    "sha256:49fbbefdb5377b866ece4e539cf2ec02967129e8a911d6dc9b126b3e2a3d3da5"),
	VSR("LICENSE", 11340,
	    "sha256:8b80649fd4d7e5eec9201159e418a324f42edba5d2f6e46b16f5b17747b8f1c9"),
};

/*
 * MME: the official eval tool, tools/eval_tool.zip on the Evaluation branch
 * of github.com/BradyFU/Awesome-Multimodal-Large-Language-Models (blob
 * e02681d, 107,320 bytes, unchanged since 1c1d69e, 2023-07-01; pinned here
 * at the branch head dd29509).  Upstream has only the archive, so each list
 * is a member of it; the members are pinned, the archive itself is not (it
 * is deleted once its members are out and verified).  A mirror serves the
 * unpacked files under mme/.
 */
#define MME_ZIP \
	"https://raw.githubusercontent.com/BradyFU/Awesome-Multimodal-Large-Language-Models/" \
	"dd2950902889cd614d4edf606827240166d29381/tools/eval_tool.zip"
#define MME(p, size, digest) { "mme/" p, MME_ZIP, p, size, digest, NULL }
static const struct manifest_file mme_files[] = {
	MME("eval_tool/LaVIN/OCR.txt", 6184,
	    "sha256:ec3fb99dcb32e0e8317a0fbba25eb54aec6dd997fa64103d61e07e302067f124"),
	MME("eval_tool/LaVIN/artwork.txt", 67612,
	    "sha256:7cda905222b857ed908333a108717440ff21057874b8a184c803f91a54812d37"),
	MME("eval_tool/LaVIN/celebrity.txt", 68833,
	    "sha256:07ded26568f7a39fb72fb93de563a60576ea7d392b60e679e29121c8b877912e"),
	MME("eval_tool/LaVIN/code_reasoning.txt", 7314,
	    "sha256:ca7b8258632921efbbd0f07fb8170c9ac48c494f9e50a9a57afd88178d9efc8e"),
	MME("eval_tool/LaVIN/color.txt", 9909,
	    "sha256:c917697a5e8b3cb3ff34d23c6a4dbf58d13fc3f0dd95b1469d445032a3da919b"),
	MME("eval_tool/LaVIN/commonsense_reasoning.txt", 27280,
	    "sha256:00a12fe7078da7602562091dec7a01525f63080a8d4963cddca4a11047914873"),
	MME("eval_tool/LaVIN/count.txt", 10077,
	    "sha256:874cf0964ca5688fd695f879b05c23b6802397b208057c9e7891fc606abf292e"),
	MME("eval_tool/LaVIN/existence.txt", 9487,
	    "sha256:8e128cd74564728b3f0ff2dbde0cea3e4f054b5639d013181f3d16a479d3e960"),
	MME("eval_tool/LaVIN/landmark.txt", 67175,
	    "sha256:51c5f53d2a52d9e41e156b902f44fe899ce9a280ac197e8e9ef828c613ab3e3c"),
	MME("eval_tool/LaVIN/numerical_calculation.txt", 6838,
	    "sha256:05ffe7faf5080e954591187132c2f75f13571ed27d6bfd87409b88c3d6879045"),
	MME("eval_tool/LaVIN/position.txt", 10000,
	    "sha256:c0350695c116e73546338316af44fee9113ae17332ec82296416c3a12c0fa707"),
	MME("eval_tool/LaVIN/posters.txt", 49964,
	    "sha256:780bea73da23a6549824217fd0e7ade8ed42c58b566d834ed8da3b2e968c42b4"),
	MME("eval_tool/LaVIN/scene.txt", 74404,
	    "sha256:26bbc5efaf7f942a634aaefc2cd167f25f7460e2e84ef7081d7e0b23b8eb151c"),
	MME("eval_tool/LaVIN/text_translation.txt", 9556,
	    "sha256:99f8c5840529201a2251482008927c2142ff8934851f1a588d58826b8f554645"),
	MME("eval_tool/Your_Results/OCR.txt", 3283,
	    "sha256:97a799f2ee295f3a6f12754b48515c68f0a2a13580999308efe287ad1e1827a4"),
	MME("eval_tool/Your_Results/artwork.txt", 36101,
	    "sha256:7aa71c678ccce1b71b05c2c1b59476041a0359d4035abae177253e766d11a8cd"),
	MME("eval_tool/Your_Results/celebrity.txt", 41330,
	    "sha256:a787ef71cdde4753005591fd9e33149ac2b415104309c1dc66d679a4d211728c"),
	MME("eval_tool/Your_Results/code_reasoning.txt", 4082,
	    "sha256:a46fd12b1211ece5650d10f08d977b15acf25dbe126138bcfb2aa9bae5c80636"),
	MME("eval_tool/Your_Results/color.txt", 5178,
	    "sha256:2c218a08e0d18b716f251b4ae58a58cd7ee8799fbda43763c20a1a0b97b892b3"),
	MME("eval_tool/Your_Results/commonsense_reasoning.txt", 15745,
	    "sha256:3fceadba7907a1ff8152821617c5d442862f7646c86d2cdef142b282198185c1"),
	MME("eval_tool/Your_Results/count.txt", 5201,
	    "sha256:8e885f2e42abcae6af648282fcd2808128363a412e66fa90b119ff5118a8e22a"),
	MME("eval_tool/Your_Results/existence.txt", 4733,
	    "sha256:e17ea92527bdacd35d6feab51b06964d9272204b82464fb12835f805a50b659a"),
	MME("eval_tool/Your_Results/landmark.txt", 37471,
	    "sha256:56299c035d72ad18f14838ce01fa589d72e270dae65a78ecc1264d4534397861"),
	MME("eval_tool/Your_Results/numerical_calculation.txt", 3739,
	    "sha256:7d82c252b4e64365afa03d0882b52d142b8cf7077656287d34c3605ffe9d6d5f"),
	MME("eval_tool/Your_Results/position.txt", 5381,
	    "sha256:0386f6b2a8ff27f2bc78bb214f477d4bbd62f8cc6e759049acfe4b87be65bb8d"),
	MME("eval_tool/Your_Results/posters.txt", 26773,
	    "sha256:2565d73d220e4a70e4364848cc9e47d7ccf8e6af92ea2cabe4c07e32975cfe68"),
	MME("eval_tool/Your_Results/scene.txt", 42087,
	    "sha256:244f927035255a3596f263115d7db7edeee0d364a310a8c80b8732c169848f8a"),
	MME("eval_tool/Your_Results/text_translation.txt", 5690,
	    "sha256:f4ab96b3f3bd1f444135d3891e76b741bf17b4eb572fb1177a587c638f058953"),
	MME("eval_tool/readme.txt", 734,
	    "sha256:19f73b2e6c66d2f3ec184ffcffafaea1a4c6e0c1e7be0255bc53b69c1a0418b6"),
};

/*
 * MMBench: the TSVs (questions with base64 images) from OpenCompass, at the
 * URLs VLMEvalKit uses (open-compass/VLMEvalKit e8e78f05,
 * vlmeval/dataset/image_mcq.py), pinned by the MD5s VLMEvalKit checks: the
 * only digests the upstream publishes.  Sizes are not published.
 */
#define MMB_URL "https://opencompass.openxlab.space/utils/benchmarks/MMBench/"
static const struct manifest_file mmbench_files[] = {
	{ "mmbench/MMBench_DEV_EN.tsv", MMB_URL "MMBench_DEV_EN.tsv", NULL, -1,
	  "md5:b6caf1133a01c6bb705cf753bb527ed8", NULL },
	{ "mmbench/MMBench_DEV_EN_V11.tsv", MMB_URL "MMBench_DEV_EN_V11.tsv", NULL, -1,
	  "md5:30c05be8f2f347a50be25aa067248184", NULL },
};

/*
 * SEED-Bench: the question file SEED-Bench.json is published only on
 * Hugging Face (AILab-CVC/SEED-Bench) with no digest, and it was edited
 * after release (AILab-CVC/SEED-Bench issue #28: two question type ids
 * swapped), so it cannot be pinned: `pull` records the digest it got and
 * `verify` checks against that.  GPT-4V's recorded predictions come from
 * github.com/AILab-CVC/SEED-Bench at 991e849 (last changed in 5c4a58a).
 */
#define SEED_RAW \
	"https://raw.githubusercontent.com/AILab-CVC/SEED-Bench/" \
	"991e849be802b0de1cd4d45d929bf18e249f5b54/"
#define SEED(p, size, digest) { "seed/" p, SEED_RAW p, NULL, size, digest, NULL }
static const struct manifest_file seed_files[] = {
	{ "seed/SEED-Bench.json",
	  "https://huggingface.co/datasets/AILab-CVC/SEED-Bench/resolve/main/SEED-Bench.json", NULL,
	  -1, "unpinned", seed_file_check },
	SEED("evaluate_result/SEED-Bench-1/GPT-4V.json", 1132009,
	    "sha256:7da556c366019b8056fdb634100a918081ca3e0fb9ffc918defaa71cc16eeb25"),
	SEED("evaluate_result/SEED-Bench-2/GPT-4V.json", 1476560,
	    "sha256:89cfc9a5aebf6b9ac947bedf3ecb6e95e0d9ea525db36ce64bc59e1707a72629"),
};

const struct manifest_dataset manifest_datasets[] = {
	{ "vsr", "VSR splits, cambridgeltl/visual-spatial-reasoning@b27a0af", vsr_files,
	  N(vsr_files) },
	{ "mme", "MME eval tool lists, BradyFU/Awesome-Multimodal-Large-Language-Models@dd29509 "
		 "tools/eval_tool.zip",
	  mme_files, N(mme_files) },
	{ "mmbench", "MMBench dev TSVs, opencompass.openxlab.space (MD5s from VLMEvalKit)",
	  mmbench_files, N(mmbench_files) },
	{ "seed", "SEED-Bench.json (Hugging Face, unpinned) and GPT-4V predictions, "
		  "AILab-CVC/SEED-Bench@991e849",
	  seed_files, N(seed_files) },
};
const size_t manifest_n_datasets = N(manifest_datasets);

const struct manifest_dataset *manifest_find(const char *name)
{
	for (size_t i = 0; i < manifest_n_datasets; i++)
		if (!strcmp(manifest_datasets[i].name, name))
			return &manifest_datasets[i];
	return NULL;
}

const struct manifest_dataset *manifest_for(const char *name, char *err)
{
	const struct manifest_dataset *ds = manifest_find(name);
	const struct suite_preset *p;

	if (ds)
		return ds;
	if (!(p = suite_lookup(name))) {
		static const char datasets[] = "vsr, mme, mmbench, seed, all";
		char near[64], hint[96] = "";
		const char *s = suggest_nearest_list(name, datasets, near, sizeof(near));
		if (s || (s = suite_suggest(name)))
			snprintf(hint, sizeof(hint), "; did you mean '%s'?", s);
		err_set(err, VSR_EUSAGE,
			"unknown dataset or suite '%s'%s (datasets: %s; suites: vsrbench list suites)",
			name, hint, datasets);
		return NULL;
	}
	/* A loader is named after the dataset it reads (suite.h). */
	if ((ds = manifest_find(p->ops->name)))
		return ds;
	err_set(err, VSR_EUSAGE, "suite %s is generated by vsrbench: there is nothing to download",
		name);
	return NULL;
}
