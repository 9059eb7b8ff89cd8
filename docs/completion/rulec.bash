# rulec.bash: bash completion for rulec, rulesensor and rulec-gen (installed once per command name).

_rulec_stream_opts="-e --events -o --output -a --alerts --state --state-adopt --learn --max-state-mb --checkpoint-events --shared-state --shared-usage --claim-idle-ms --idle-exit-ms -v --verbose --json --threads --no-prefilter --indicators --value-list"
_rulec_rule_opts="-s --schema --schema-dir --max-compile-ms --max-code-units --max-compile-mb"

# Completes the value of an option that takes one ($1: the previous word); 0 when it did.
_rulec_value() {
    case "$1" in
        --engine) COMPREPLY=($(compgen -W "jit interp" -- "$cur")) ;;
        --emit) COMPREPLY=($(compgen -W "summary plan ir obj prefilter" -- "$cur")) ;;
        --cpu) COMPREPLY=($(compgen -W "baseline avx2 avx512 native" -- "$cur")) ;;
        --target) COMPREPLY=($(compgen -W "x86_64-linux-gnu aarch64-linux-gnu" -- "$cur")) ;;
        --scenario) COMPREPLY=($(compgen -W "web mixed indicators" -- "$cur")) ;;
        --state|--schema-dir) COMPREPLY=($(compgen -d -- "$cur")) ;;
        -e|--events|-o|--output|-a|--alerts|-s|--schema|--sign|--trusted-key|--counters|-f|--file|--indicators)
            COMPREPLY=($(compgen -f -- "$cur")) ;;
        -q|--query|--max-compile-ms|--max-code-units|--max-compile-mb|--cost-threshold|--max-state-mb|\
        --checkpoint-events|--shared-state|--claim-idle-ms|--idle-exit-ms|--threads|--repeat|--interp-events|\
        --profile-events|--watch-ms|--seed|-n|--count|--hosts|--start-ms|--days|--suspicious|--value-list|\
        --sensor-value-list)
            COMPREPLY=() ;;
        *) return 1 ;;
    esac
    return 0
}

_rulec() {
    local cur prev cmd i
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    local commands="check parse match run explain bench keygen compile inspect help"
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in -*) ;; *) cmd="${COMP_WORDS[i]}"; break ;; esac
    done
    if [[ -z "$cmd" ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    _rulec_value "$prev" && return
    local opts=""
    case "$cmd" in
        check) opts="$_rulec_rule_opts -v --verbose --no-warnings --cost --cost-threshold --report --value-list --json" ;;
        parse) opts="-f --file --json --canonical" ;;
        match) opts="-q --query -l --language -e --events -c --count --invert-match -v --verbose --engine -s --schema --schema-dir" ;;
        run) opts="$_rulec_stream_opts --engine $_rulec_rule_opts" ;;
        explain) opts="--ir --prefilter --emit -o --output --target --cpu --all --json $_rulec_rule_opts" ;;
        bench) opts="-e --events --repeat --interp-events --profile-events --json $_rulec_rule_opts" ;;
        compile) opts="-o --output --target --cpu --sign --value-list --sensor-value-list --indicators $_rulec_rule_opts" ;;
        keygen) opts="" ;;
        inspect) opts="--trusted-key --json" ;;
        help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_rulesensor() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    _rulec_value "$prev" && return
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$_rulec_stream_opts --trusted-key --allow-unsigned --cache-dir --counters --watch-ms --help --version" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_rulec_gen() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    _rulec_value "$prev" && return
    COMPREPLY=($(compgen -W "--scenario --seed -n --count --hosts --start-ms --days --attacks --suspicious -o --output --help --version" -- "$cur"))
}

complete -o filenames -F _rulec rulec
complete -o filenames -F _rulesensor rulesensor
complete -F _rulec_gen rulec-gen
