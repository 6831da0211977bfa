#!/usr/bin/env bash
# Bad input: a one-line message saying what and where, exit 2 or 3, no crash,
# and nothing written under a final name.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH

expect_exit 2 "$V" frobnicate
expect_err "unknown command 'frobnicate'"
expect_exit 2 "$V" run -s nope -o x
expect_err "unknown suite 'nope' (see 'vsrbench list suites')"
expect_one_line_err
[ -e x ] && fail "a failed run left a directory behind"
expect_exit 2 "$V" run -t yn01,zz99 -o x
expect_err "unknown template id 'zz99' in -t 'yn01,zz99' (not a file either; see \`vsrbench list templates\`)"
expect_one_line_err
expect_exit 2 "$V" run -m gpt4 -o x
expect_err "cannot parse model 'gpt4'"
expect_err "the name of a model a server serves goes in -M model=gpt4, e.g. -m openai -M model=gpt4)"
expect_one_line_err
# A server's name where the model kind goes: the preset that speaks its API.
expect_exit 2 "$V" run -m vLLM -o x
expect_err "-m vLLM: vLLM is a server that speaks OpenAI's API: -m openai -M preset=vllm -M model=NAME (the name it serves; its usual address: http://127.0.0.1:8000/v1)"
expect_one_line_err
expect_exit 2 "$V" run -m llama.cpp -o x
expect_err "-m openai -M preset=llamacpp -M model=NAME"
# Other tools' options for the server: where they are in vsrbench.
expect_exit 2 "$V" run --endpoint http://127.0.0.1:8000/v1 -o x
expect_err "unknown option '--endpoint': the server's address is a model option: -M base_url=URL"
expect_one_line_err
expect_exit 2 "$V" run --model-name=llava -o x
expect_err "unknown option '--model-name': the name the server serves is a model option: -M model=NAME"
expect_exit 2 "$V" run -m builtin:oracle -o x
expect_err "unknown model 'builtin:oracle' (available: builtin:geometry, builtin:no, builtin:random, builtin:yes)"
expect_one_line_err
expect_exit 2 "$V" run -M novalue -o x
expect_err "-M 'novalue': expected KEY=VALUE"
expect_exit 2 "$V" run -S bogus=1 -o x
expect_err 'synth: unknown option "bogus" (known: count, relations, size, distractors)'
expect_one_line_err
expect_exit 2 "$V" run -S size=5 -o x
expect_err "synth: option size=5: expected an integer from 64 to 2048"
expect_one_line_err
expect_exit 2 "$V" run -S relations=left_of,beside_of -o x
expect_err 'synth: option relations=left_of,beside_of: unknown relation "beside of" (known: left of, right of, above, below, near, far from, touching, inside)'
# synth relations given twice with two lists: the second would replace the
# first (relations are one list, not added up), so neither is taken.
expect_exit 2 "$V" run -S relations=left_of -S relations=right_of -o x
expect_err 'synth: option relations given twice (relations=left_of, then relations=right_of): give one list, -S relations=left_of,right_of'
expect_one_line_err
expect_exit 0 "$V" run -S relations=above -S relations=above --dry-run
# A number given again overrides, as a script appends one (-S count=5 ... -S count=7).
expect_exit 0 "$V" run -S count=5 -S synth.count=7 --dry-run
expect_out "7 tasks in all"
# One suite twice (by name, or by an alias) would ask every task twice and
# report it once.
expect_exit 2 "$V" run -s synth -s synth -S count=3 -o x
expect_err "-s synth: the suite is already in this run (-s synth): give each suite once"
expect_one_line_err
expect_exit 2 "$V" run -s vsr-unified -s vsr-zeroshot-test --dry-run
expect_err "-s vsr-zeroshot-test: the suite is already in this run (-s vsr-unified)"
[ ! -e x ] || fail "a run directory for a refused command"
expect_exit 2 "$V" run -S vsr.count=3 -o x
expect_err "suite 'vsr' is not in this run"
expect_exit 2 "$V" run -j 0 -o x
expect_err "-j '0': expected a number from 1 to 1024"
expect_exit 2 "$V" run --seed -4 -o x
expect_err "--seed '-4': expected a non-negative integer"
expect_one_line_err
expect_exit 2 "$V" run --frob
expect_err "unknown option '--frob'"
expect_exit 2 "$V" run -n
expect_err "option '-n' needs a value (see 'vsrbench run --help')"
expect_exit 2 "$V" list things
expect_err "cannot list 'things' (expected suites, templates, models or relations)"
expect_one_line_err
expect_exit 2 "$V" list
expect_err "usage: vsrbench list TOPIC [--verbose]"
expect_err "  relations  the VSR relations and their meta-categories"

# A template file is the user's configuration, as -t's other values: what is
# wrong with it is a usage error (exit 2, DESIGN.md), naming file, line and
# what was expected.  An unknown placeholder:
printf 'ok1\tyesno\t[caption] Yes or no?\n# a comment\nbad1\tyesno\tIs the [subjekt] there?\n' >tpl.tsv
expect_exit 2 "$V" run -t "$T/tpl.tsv" -o x
expect_err "$T/tpl.tsv:3"
expect_err "subjekt"
expect_one_line_err
# Spaces where the tabs go, a format that is none of the five, no template at all.
printf 'ok1\tyesno\t[caption] Yes or no?\nsp1 yesno [caption] Yes or no?\n' >spaces.tsv
expect_exit 2 "$V" run -t ./spaces.tsv -o x
expect_err "./spaces.tsv:2: expected 3 tab-separated columns ID<TAB>FORMAT<TAB>TEXT, found 1"
expect_one_line_err
printf 'yn\tyes-no\t[caption] Yes or no?\n' >fmt.tsv
expect_exit 2 "$V" run -t ./fmt.tsv -o x
expect_err "./fmt.tsv:1: unknown format 'yes-no' (expected yesno, truefalse, letter-yes-no, letter-no-yes or choice)"
printf '# only a comment\n' >none.tsv
expect_exit 2 "$V" run -t ./none.tsv -o x
expect_err "./none.tsv: no templates (expected lines ID<TAB>FORMAT<TAB>TEXT; '#' starts a comment)"
expect_exit 2 "$V" run -t "$T/missing.tsv" -o x
expect_err "cannot read template file $T/missing.tsv: No such file or directory"
expect_one_line_err
expect_exit 2 "$V" run -t "$T/" -o x
expect_err "cannot read template file $T/: it is a directory"
[ ! -e x ] || fail "a refused -t left a run directory behind"

# A journal damaged in the middle: file and line, exit 3.
expect_exit 0 "$V" run -S count=5 -q -o good
sed -i '2s/.*/{"key": broken/' good/samples.jsonl
expect_exit 3 "$V" report good
expect_err "good/samples.jsonl:2: not valid JSON"
expect_one_line_err
expect_exit 3 "$V" run -S count=5 -q -o good
expect_err "good/samples.jsonl:2: not valid JSON"
expect_one_line_err
expect_exit 3 "$V" report "$T/nothing-here"
expect_err "not a run directory"
expect_exit 2 "$V" report good --format pdf
expect_err "unknown report format 'pdf'"

# Reports are rebuilt from the journal alone, identically.
expect_exit 0 "$V" run -S count=30 -q -o rebuild
cp rebuild/report.json before.json
rm rebuild/report.json rebuild/report.md
expect_exit 0 "$V" report rebuild -q
cmp before.json rebuild/report.json || fail "rebuilt report differs"
expect_exit 0 "$V" report rebuild --format md -q
echo ok
