# What zsh's completion system offers for a command line: zsh zsh_complete.zsh FPATH_DIR OUT_FILE "line".
# Drives an interactive zsh (zsh/zpty) with compinit over FPATH_DIR, types the line and a Tab, and
# prints every match compadd was given, one per line (a file collects them: the terminal echoes).
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=''"
zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "compadd () { builtin compadd -O __hits \"\$@\"; builtin compadd \"\$@\"; print -rl -- \$__hits >> $2; }"
zpty -w z "comppostfuncs=(__fin); __fin() { print -r -- END >> $2; }"
zpty -w z "bindkey '^I' complete-word"
: > $2
zpty -n -w z "$3"$'\t'
integer i=0
while (( i++ < 100 )); do
  [[ -s $2 ]] && grep -qx END $2 && break
  sleep 0.05
done
zpty -d z
grep -vx END $2
