# bash completion for vsrbench.
#
# No word list lives here: `vsrbench __complete WORDS...` prints the
# candidates from the tables the parser itself uses (subcommands, getopt
# options, suites, templates, model kinds, list topics, run directories).
# Lines it prints that start with ':' are requests to this script:
#   :dirs, :files    add the shell's own directory / file names
#   :prefix=TEXT     the word is "--opt=VALUE": put TEXT before each value

_vsrbench() {
	local line=${COMP_LINE:0:COMP_POINT} cur prefix="" dirs=0 files=0 l
	local -a words cands=()

	# Split the line ourselves: bash's COMP_WORDS breaks "builtin:geometry"
	# and "--model=x" at ':' and '=' (COMP_WORDBREAKS).
	read -ra words <<<"$line"
	if [[ -z $line || $line == *[[:space:]] ]]; then
		words+=("")
	fi
	((${#words[@]} >= 2)) || return 0
	cur=${words[-1]}
	while IFS= read -r l; do
		case $l in
		:dirs) dirs=1 ;;
		:files) files=1 ;;
		:prefix=*) prefix=${l#:prefix=} ;;
		'') ;;
		*) cands+=("$prefix$l") ;;
		esac
	done < <("${words[0]/#\~/$HOME}" __complete "${words[@]:1}" 2>/dev/null)

	COMPREPLY=()
	local IFS=$'\n'
	# shellcheck disable=SC2207
	COMPREPLY=($(compgen -W "${cands[*]}" -- "$cur" || :))
	if ((dirs || files)); then
		local v=${cur#"$prefix"} f
		while IFS= read -r f; do
			[[ -n $f ]] && COMPREPLY+=("$prefix$f")
		done < <(if ((files)); then compgen -f -- "$v"; else compgen -d -- "$v"; fi)
		compopt -o filenames 2>/dev/null || true # outside a completion (tests) it fails
	fi
	# Reply with what bash counts as the word: the text after the last
	# ':' or '=' it broke the line at.
	local cut=${cur%"${cur##*[:=]}"}
	if [[ -n $cut ]]; then
		local i
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"$cut"}
		done
	fi
}
complete -F _vsrbench vsrbench
