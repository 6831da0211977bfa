#!/usr/bin/env bash
# Shell completion: completion/vsrbench.bash driven as bash drives it
# (COMP_LINE, COMP_POINT, COMP_WORDS, COMP_CWORD, then COMPREPLY), the
# expected words taken from vsrbench's own listings (--help, list ...), not
# from the completion; the zsh script at least parses.
. "$(dirname "$0")/lib.bash"
# shellcheck source=/dev/null
. "$VSR_SRC/completion/vsrbench.bash"

cd "$T"
# complete LINE: COMPREPLY for the line with the cursor at its end, one per line, in $T/reply
complete_line() {
	local line=$1
	COMP_LINE=$line
	COMP_POINT=${#line}
	# what bash would have put in COMP_WORDS (',' ':' '=' break words too)
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_vsrbench vsrbench "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]:-}"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort >"$T/reply"
}
# has WORD...: every word is in the reply
has() { for w; do grep -qxF -- "$w" "$T/reply" || fail "'$COMP_LINE' lacks '$w': $(tr '\n' ' ' <"$T/reply")"; done; }
hasnt() { for w; do ! grep -qxF -- "$w" "$T/reply" || fail "'$COMP_LINE' offers '$w'"; done; }
V=$VSRBENCH

# Subcommands: those --help lists.
"$V" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p' >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -ge 7 ] || fail "--help lists $(wc -l <"$T/cmds") commands"
complete_line "$V "
mapfile -t want <"$T/cmds"
has "${want[@]}"
hasnt __complete
complete_line "$V rep"
[ "$(cat "$T/reply")" = report ] || fail "'rep' gives $(cat "$T/reply")"

# Options: those run --help names.
complete_line "$V run --mo"
[ "$(tr '\n' ' ' <"$T/reply")" = "--model --model-opt " ] || fail "--mo: $(cat "$T/reply")"
complete_line "$V run -s synth --temp"
has --temperature
complete_line "$V compare a b --max-"
has --max-drop --max-language-sensitivity
hasnt --max-tokens
complete_line "$V data pull --li"
has --list

# Suite names and aliases: those list suites prints.
"$V" list suites | awk '{print $1}' | grep '^mme-p' >"$T/want" || fail "list suites has no mme-p*"
complete_line "$V run -s mme-p"
mapfile -t want <"$T/want"
has "${want[@]}"
complete_line "$V run --suite vsr-uni"
has vsr-unified

# Template ids and bank names: those list templates prints.
"$V" list templates | awk 'NR > 1 && $1 ~ /^tf/ {print $1}' >"$T/want"
complete_line "$V run -t tf"
mapfile -t want <"$T/want"
has "${want[@]}"
complete_line "$V run -t po"
has pool

# Model kinds: list models' builtins and served kinds.  bash breaks the word
# at ':', so the reply is the part after it.
complete_line "$V run -m "
has builtin:geometry builtin:yes openai ollama anthropic gemini exec lib:
complete_line "$V run -m builtin:ge"
[ "$(cat "$T/reply")" = geometry ] || fail "builtin:ge gives $(cat "$T/reply")"
complete_line "$V run --model=builtin:n"
[ "$(cat "$T/reply")" = no ] || fail "--model=builtin:n gives $(cat "$T/reply")"

# list topics: those list --help names.
complete_line "$V list "
has suites templates models relations
complete_line "$V list suites "
[ ! -s "$T/reply" ] || fail "a second topic offered: $(cat "$T/reply")"

# Run directories for report, compare and merge: those with a run.json.
"$V" run -m builtin:yes -S count=2 -q -o runs/a >/dev/null
mkdir -p runs/notarun other
complete_line "$V report "
has runs/a
hasnt runs/notarun
complete_line "$V compare runs/a "
has runs/a
complete_line "$V merge out runs/"
has runs/a
hasnt runs/notarun
# Directory options get directories.
complete_line "$V run -o oth"
has other
complete_line "$V run --data=oth"
has other

if command -v zsh >/dev/null; then
	zsh -n "$VSR_SRC/completion/_vsrbench" || fail "zsh cannot parse completion/_vsrbench"
	# The zsh function with compadd, compset and _files stubbed out: the
	# words it would add for `vsrbench run -m b` and `vsrbench list `.
	zsh_words() { # CURRENT WORD...
		zsh -fc 'compadd() { while [[ $1 == -* ]]; do shift; done; print -l -- "$@"; }
			compset() { :; }; _files() { print -- "(files)"; }
			CURRENT=$1; shift; words=("$@"); source "$F"' zsh "$@" | sort >"$T/reply"
	}
	export F=$VSR_SRC/completion/_vsrbench
	zsh_words 4 "$V" run -m b
	has builtin:geometry openai
	zsh_words 3 "$V" list ""
	has suites templates models relations
	zsh_words 4 "$V" run -o ""
	has "(files)"
else
	echo "note: zsh not installed, zsh script not parsed"
fi
echo ok
