#!/usr/bin/env bash
# The man page vsrbench(1): lint-clean, and each subcommand's section names
# exactly the options that subcommand's --help names.
. "$(dirname "$0")/lib.bash"
man1=$VSR_BUILD/doc/vsrbench.1
[ -f "$man1" ] || { echo "skipped: no $man1 (scdoc not installed: make -f Makefile.ci deps)"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 missing"; exit 77; }

# Lint.  mandoc -T lint at error level must be silent; at warning level the
# only findings allowed are scdoc's own way of writing paragraphs (a .PP
# right after .SH/.SS or before a blank: "skipping paragraph macro"), which
# renders the same.  groff's warnings (man --warnings) must be silent.
if command -v mandoc >/dev/null; then
	mandoc -T lint -W error "$man1" >"$T/lint" 2>&1 || fail "mandoc -W error: $(cat "$T/lint")"
	mandoc -T lint -W warning "$man1" >"$T/lint" 2>&1 || true
	grep -v 'WARNING: skipping paragraph macro: PP \(empty\|after SH\|after SS\)$' "$T/lint" >"$T/lint.left" || true
	[ ! -s "$T/lint.left" ] || fail "mandoc -T lint: $(cat "$T/lint.left")"
else
	echo "note: mandoc not installed, mandoc lint not run"
fi
if command -v man >/dev/null && command -v groff >/dev/null; then
	LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$man1" >/dev/null 2>"$T/groff" || fail "man -l failed"
	[ ! -s "$T/groff" ] || fail "man --warnings: $(cat "$T/groff")"
fi

for c in run report compare list score merge data "data pull" "data verify" cache; do
	# shellcheck disable=SC2086
	"$VSRBENCH" $c --help >"$T/help.${c// /_}" || fail "$c --help"
done
python3 - "$man1" "$T" <<'PY' || fail "the man page and --help disagree (above)"
import re, sys
man, tmp = sys.argv[1], sys.argv[2]
OPT = r'(?<![\w-])(--?[A-Za-z][\w-]*)'

def help_opts(path):
    """Options named by the usage lines and at the start of option lines."""
    got, usage = set(), False
    for line in open(path):
        if line.startswith('usage:') or re.match(r'\s+vsrbench ', line):
            usage = True
        elif not line.startswith(' ') or not line.strip():
            usage = False
        if usage:
            got |= set(re.findall(OPT, line))
            continue
        m = re.match(r'\s+((?:--?[A-Za-z][\w-]*)(?:, --?[A-Za-z][\w-]*)*)(?:\s|$)', line)
        if m:
            got |= set(re.findall(OPT, m.group(1)))
    return got

sections, cur = {}, None
for line in open(man):
    line = line.rstrip('\n')
    if line.startswith('.SS '):
        cur = line[4:].strip().strip('"')
        sections[cur] = set()
    elif line.startswith('.SH '):
        cur = None
    elif cur:
        text = line.replace('\\-', '-')
        sections[cur] |= set(re.findall(r'\\fB(--?[A-Za-z][\w-]*)\\fR', text))

bad = 0
for c in ['run', 'report', 'compare', 'list', 'score', 'merge', 'data', 'data pull', 'data verify', 'cache']:
    h = help_opts('%s/help.%s' % (tmp, c.replace(' ', '_')))
    m = sections.get('vsrbench ' + c)
    if m is None:
        print('man page: no section "vsrbench %s"' % c); bad = 1; continue
    if h != m:
        bad = 1
        print('vsrbench %s: only in --help: %s; only in the man page: %s'
              % (c, ' '.join(sorted(h - m)) or '-', ' '.join(sorted(m - h)) or '-'))
    elif not h and c not in ('merge',):
        print('vsrbench %s: no options found at all' % c); bad = 1
sys.exit(bad)
PY
echo ok
