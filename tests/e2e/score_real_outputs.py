#!/usr/bin/env python3
"""Independent scoring of the real prediction files in real_outputs (issue 20),
for tests/e2e/score_real_outputs.sh: plain Python over the raw files, with the
benchmarks' own rules, sharing no code with vsrbench.  Prints one JSON object.

  score_real_outputs.py KIND FILE... (see main)
"""
import json
import math
import os
import re
import statistics
import sys
import zipfile
import xml.etree.ElementTree as ET

Z95 = 1.959963984540054



def it(e, name):
    """Descendants named `name`, with or without the spreadsheetml namespace."""
    return [x for x in e.iter() if x.tag.rsplit('}', 1)[-1] == name]


def fd(e, name):
    for x in e:
        if x.tag.rsplit('}', 1)[-1] == name:
            return x
    return None


def xlsx_rows(path):
    """The first sheet as a list of dicts keyed by the header row."""
    z = zipfile.ZipFile(path)
    shared = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in it(ET.fromstring(z.read('xl/sharedStrings.xml')), 'si'):
            shared.append(''.join(t.text or '' for t in it(si, 't')))
    grid = []
    for row in it(ET.fromstring(z.read('xl/worksheets/sheet1.xml')), 'row'):
        cells = {}
        for c in it(row, 'c'):
            col = re.match(r'[A-Z]+', c.get('r')).group(0)
            t = c.get('t')
            if t == 's':
                v = shared[int(fd(c, 'v').text)]
            elif t == 'inlineStr':
                e = fd(c, 'is')
                v = ''.join(x.text or '' for x in it(e, 't')) if e is not None else None
            else:
                e = fd(c, 'v')
                v = e.text if e is not None else None
            cells[col] = v
        grid.append(cells)
    head = grid[0]
    return [{head[k]: v for k, v in r.items() if k in head} for r in grid[1:]]


def mme_rule(reply):
    """MME's calculation.py: exactly yes/no, else yes/no within the first 4 characters."""
    p = reply.lower()
    if p in ('yes', 'no'):
        return p
    p = p[:4]
    if 'yes' in p:
        return 'yes'
    if 'no' in p:
        return 'no'
    return 'other'


PERCEPTION = ['existence', 'count', 'position', 'color', 'posters', 'celebrity', 'scene',
              'landmark', 'artwork', 'OCR']
COGNITION = ['commonsense_reasoning', 'numerical_calculation', 'text_translation',
             'code_reasoning']


def mme_scores(rows):
    """rows: (subtask, image, gt 'Yes'/'No', reply).  acc over questions, acc+ over
    images with both questions right; score = 100 * (acc + acc+)."""
    out, se, ci = {}, {}, {}
    for t in PERCEPTION + COGNITION:
        rs = [r for r in rows if r[0] == t]
        if not rs:
            continue
        ok = [mme_rule(r[3]) == r[2].lower() for r in rs]
        by_img = {}
        for r, k in zip(rs, ok):
            by_img.setdefault(r[1], []).append(k)
        plus = sum(1 for v in by_img.values() if all(v)) / len(by_img)
        out[t] = 100 * (sum(ok) / len(rs) + plus)
        # The 95% interval: each image (two questions) scores 100 * (right / 2 + both
        # right); the normal interval of their mean, the subtasks independent.
        per = [100 * (sum(v) / 2 + all(v)) for v in by_img.values()]
        se[t] = statistics.stdev(per) / math.sqrt(len(per))
        ci[t] = [max(0, out[t] - Z95 * se[t]), min(200, out[t] + Z95 * se[t])]

    def total(ts):
        s = sum(out.get(t, 0) for t in ts)
        e = math.sqrt(sum(se[t] ** 2 for t in ts if t in se))
        n = sum(1 for t in ts if t in out)
        return [max(0, s - Z95 * e), min(200 * n, s + Z95 * e)]
    return {'subtasks': out, 'subtask_ci95': ci,
            'perception': sum(out.get(t, 0) for t in PERCEPTION),
            'cognition': sum(out.get(t, 0) for t in COGNITION),
            'perception_ci95': total(PERCEPTION), 'cognition_ci95': total(COGNITION),
            'questions': len(rows)}


def lists(data):
    """Your_Results: (subtask, stem, question) -> (image, gt)."""
    ref = {}
    d = os.path.join(data, 'mme/eval_tool/Your_Results')
    for t in PERCEPTION + COGNITION:
        with open(os.path.join(d, t + '.txt'), encoding='utf-8') as f:
            for line in f:
                line = line.rstrip('\n').rstrip('\r')
                if not line:
                    continue
                img, q, gt = line.split('\t')
                ref[(t, os.path.splitext(img)[0], q)] = (img, gt)
    return ref


def llava_mme(path, data):
    ref = lists(data)
    rows, two = [], 0
    suffix = '\nAnswer the question using a single word or phrase.'
    for line in open(path, encoding='utf-8'):
        o = json.loads(line)
        t, img = o['question_id'].split('/', 1)
        stem = os.path.splitext(os.path.basename(img))[0]
        q = o['prompt'][:-len(suffix)] if o['prompt'].endswith(suffix) else o['prompt']
        k = (t, stem, q + ' Please answer yes or no.')
        if k not in ref:
            k = (t, stem, q + '  Please answer yes or no.')
            two += 1
        im, gt = ref[k]
        rows.append((t, im, gt, o['text']))
    r = mme_scores(rows)
    r['two_space'] = two
    return r


def mme_lists(folder):
    rows = []
    for t in PERCEPTION + COGNITION:
        p = os.path.join(folder, t + '.txt')
        for line in open(p, encoding='utf-8'):
            line = line.rstrip('\n')
            if line:
                img, q, gt, a = line.split('\t')
                rows.append((t, img, gt, a))
    return mme_scores(rows)


def vlmeval_mme(path):
    rows = [(r['category'], r['image_path'], r['answer'], r['prediction'] or '')
            for r in xlsx_rows(path)]
    return mme_scores(rows)


def mmbench(path):
    groups = {}
    for r in xlsx_rows(path):
        groups.setdefault(int(float(r['index'])) % 1000000, []).append(r['prediction'] == r['answer'])
    n, k = len(groups), sum(1 for v in groups.values() if all(v))
    # Wilson's 95% interval for k of n.
    p, z = k / n, Z95
    mid, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return {'questions': n, 'right': k, 'rows': sum(len(v) for v in groups.values()),
            'ci95': [(mid - half) / (1 + z * z / n), (mid + half) / (1 + z * z / n)]}


def seed_sheet(path):
    """Per dimension: questions, and the replies whose letter is certain (a bare
    letter or 'X.' / 'X. text'): their letters, for checking the extractor."""
    dims, letters, other, contradictions = {}, {}, 0, 0
    for r in xlsx_rows(path):
        dims[r['category']] = dims.get(r['category'], 0) + 1
        p = (r['prediction'] or '').strip()
        m = re.fullmatch(r'([A-D])(\.(.*))?', p, re.S)
        # "C. <option D's text>" contradicts itself: not certain (VLMEvalKit reads C).
        t = (m.group(3) or '').strip().rstrip('.').lower() if m else ''
        others = [(r.get(k) or '').strip().rstrip('.').lower() for k in 'ABCD' if m and k != m.group(1)]
        if m and not (t and t in others):
            letters[str(int(float(r['index'])))] = m.group(1)
        elif m:
            contradictions += 1
        else:
            other += 1
    return {'dims': dims, 'letters': letters, 'other': other, 'contradictions': contradictions}


def llava_seed(path, sheet):
    truth = {str(int(float(r['index']))): (r['answer'], r['category']) for r in xlsx_rows(sheet)}
    seen, by_dim, video, notruth = set(), {}, 0, 0
    for line in open(path, encoding='utf-8'):
        o = json.loads(line)
        q = o['question_id']
        if q in seen:
            continue
        seen.add(q)
        if q not in truth:
            notruth += 1
            continue
        gt, dim = truth[q]
        d = by_dim.setdefault(dim, [0, 0])
        d[0] += 1
        d[1] += o['prediction'].strip() == gt
    return {'questions': sum(v[0] for v in by_dim.values()),
            'right': sum(v[1] for v in by_dim.values()),
            'by_dim': by_dim, 'no_truth': notruth}


# ---- VLMEvalKit's own matching (issue 15) ------------------------------------------
# Transcribed from VLMEvalKit (open-compass/VLMEvalKit): YOrN_Extraction and
# process_punctuation (vlmeval/dataset/utils/yorn.py, vqa_eval.py) and can_infer
# (vlmeval/utils/matching_util.py) as of mid-2024, the version that scored the
# VILA files (PR 320, 2024-07-27).  What they cannot read went to VLMEvalKit's
# GPT judge, whose verdicts are not public: those rows are only bounded.

_PUNCT = [';', r'/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<',
          '@', '`', ',', '?', '!']


def _process_punctuation(t):
    out = t
    for p in _PUNCT:
        if (p + ' ' in t or ' ' + p in t) or re.search(r'(\d)(,)(\d)', t):
            out = out.replace(p, '')
        else:
            out = out.replace(p, ' ')
    return re.sub(r'(?!<=\d)(\.)(?!\d)', '', out)


def vlmeval_yorn(reply):
    """'yes', 'no', or None (Unknown: sent to VLMEvalKit's judge)."""
    w = _process_punctuation(reply.lower()).split()
    if 'yes' in w and 'no' not in w:
        return 'yes'
    if 'no' in w and 'yes' not in w:
        return 'no'
    return None


def vlmeval_can_infer(reply, choices):
    """A letter, 'Z' (refusal), or None (sent to VLMEvalKit's judge)."""
    for err in ["Sorry, I can't help with images of people yet.", "I can't process this file.",
                "I'm sorry, but without the image provided", 'Cannot determine the answer']:
        if err in reply:
            return 'Z'
    a = reply
    for c in '.()[],:;!*#{}':
        a = a.replace(c, ' ')
    splits = a.split()
    hits = [c for c in choices if c in splits]
    if len(hits) == 1:
        return hits[0]
    if not hits and sum(1 for c in ('Z', '') if c in splits) == 1:
        return 'Z'
    low = reply.lower()
    cands = [k for k, v in choices.items() if str(v).lower() in low]
    return cands[0] if len(cands) == 1 else None


def vlmeval_mme_gap(path, published):
    """The VILA MME file against VLMEvalKit's published MME_score.csv: the rows
    VLMEvalKit's exact matching reads otherwise than MME's own rule (the rule
    vsrbench's official MME score uses), and per subtask whether the published
    score is reachable by some verdict of VLMEvalKit's judge on them (rows it
    read as the MME rule does count alike on both sides)."""
    import itertools
    pub = json.load(open(published))
    rows = [(r['category'], r['image_path'], r['answer'].lower(), r['prediction'] or '')
            for r in xlsx_rows(path)]
    differ, reachable, exact = [], {}, {}
    for t in PERCEPTION + COGNITION:
        rs = [r for r in rows if r[0] == t]
        open_ = [i for i, r in enumerate(rs) if vlmeval_yorn(r[3]) != mme_rule(r[3])]
        differ += [(t, rs[i][3]) for i in open_]
        base = [mme_rule(r[3]) for r in rs]

        def score(reads):
            ok = [x == r[2] for x, r in zip(reads, rs)]
            by = {}
            for r, k in zip(rs, ok):
                by.setdefault(r[1], []).append(k)
            return 100 * (sum(ok) / len(rs) + sum(1 for v in by.values() if all(v)) / len(by))
        exact[t] = abs(score(base) - pub[t]) < 1e-6
        found = False
        for combo in itertools.product(['yes', 'no', 'other'], repeat=len(open_)):
            reads = list(base)
            for i, v in zip(open_, combo):
                reads[i] = vlmeval_yorn(rs[i][3]) or v
            if abs(score(reads) - pub[t]) < 1e-6:
                found = True
                break
        reachable[t] = found
    return {'differ': len(differ), 'differ_rows': differ,
            'exact': sorted(t for t, v in exact.items() if v),
            'unreachable': sorted(t for t, v in reachable.items() if not v)}


def vlmeval_seed_gap(path, journal, published):
    """The VILA SEEDBench_IMG file against VLMEvalKit's published _acc.csv: the
    rows VLMEvalKit's exact matching (can_infer) reads otherwise than vsrbench did
    (its journal), split into those it read as another letter and those it sent
    to its judge; per dimension, whether published right = vsrbench right, minus
    vsrbench's right among those rows, plus VLMEvalKit's right among the ones it
    read, plus between 0 and the number it sent to the judge."""
    pub = json.load(open(published))
    ours = {}
    for line in open(journal, encoding='utf-8'):
        s = json.loads(line)
        ours[s['item']] = (s['answer'], s['correct'])
    dims, other, judge = {}, 0, 0
    for r in xlsx_rows(path):
        choices = {k: r[k] for k in 'ABCD' if r.get(k) is not None}
        v = vlmeval_can_infer(r['prediction'] or '', choices)
        ans, right = ours[str(int(float(r['index'])))]
        e = ans.upper() if ans != 'invalid' else None
        d = dims.setdefault(r['category'], {'n': 0, 'ours': 0, 'same_right': 0, 'vlm_right': 0,
                                            'judge': 0})
        d['n'] += 1
        d['ours'] += right
        if v is None:  # VLMEvalKit's judge read it (also where vsrbench reads invalid)
            d['judge'] += 1
            judge += 1
        elif v == e:
            d['same_right'] += right
        else:
            d['vlm_right'] += v == r['answer']
            other += 1
    bad = []
    for k, d in dims.items():
        got = round(pub[k] * d['n'])
        low = d['same_right'] + d['vlm_right']
        if not low <= got <= low + d['judge']:
            bad.append(k)
    return {'read_otherwise': other, 'sent_to_judge': judge, 'unexplained': sorted(bad),
            'published_right': sum(round(pub[k] * d['n']) for k, d in dims.items()),
            'vsrbench_right': sum(d['ours'] for d in dims.values())}


def vlmeval_auxmatch(path, out):
    """The MME sheet as VLMEvalKit's exact-matching evaluation dumps it
    ({model}_MME_auxmatch, here as its .tsv): "extracted" Yes / No / Unknown by
    YOrN_Extraction.  Prints how many of them VLMEvalKit counts right."""
    import csv
    rows = xlsx_rows(path)
    head = ['index', 'category', 'image_path', 'question', 'answer', 'prediction', 'extracted']
    right = 0
    with open(out, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, delimiter='\t', quoting=csv.QUOTE_ALL, lineterminator='\n')
        w.writerow(head)
        for r in rows:
            e = {'yes': 'Yes', 'no': 'No', None: 'Unknown'}[vlmeval_yorn(r['prediction'] or '')]
            right += e == r['answer']
            w.writerow([r['index'], r['category'], r['image_path'], r['question'], r['answer'],
                        r['prediction'] or '', e])
    return {'rows': len(rows), 'right': right}


def main():
    kind, args = sys.argv[1], sys.argv[2:]
    f = {'llava-mme': lambda: llava_mme(*args), 'mme-lists': lambda: mme_lists(*args),
         'vlmeval-mme': lambda: vlmeval_mme(*args), 'mmbench': lambda: mmbench(*args),
         'seed-sheet': lambda: seed_sheet(*args), 'llava-seed': lambda: llava_seed(*args),
         'vlmeval-mme-gap': lambda: vlmeval_mme_gap(*args),
         'vlmeval-seed-gap': lambda: vlmeval_seed_gap(*args),
         'vlmeval-auxmatch': lambda: vlmeval_auxmatch(*args)}[kind]
    json.dump(f(), sys.stdout)


main()
