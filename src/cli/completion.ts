// `kubechaos completion bash|zsh|fish`: shell completion scripts, built from the command tree
// itself so that they list every command and flag there is. Namespaces and run names come from
// the cluster at completion time, through the hidden `kubechaos __complete namespaces|runs`.
import type { Command, Option } from 'commander';

/** The shells `completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Tree {
  /** Commands and their aliases, with their flags and subcommands. */
  readonly commands: ReadonlyArray<{ readonly names: readonly string[]; readonly flags: readonly string[]; readonly subcommands: readonly string[] }>;
  readonly globalFlags: readonly string[];
  /** Flags that take a value (the next word is theirs, not a command). */
  readonly valueFlags: readonly string[];
}

function flagsOf(options: readonly Option[]): string[] {
  return options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string'));
}

function treeOf(program: Command): Tree {
  const visible = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const all = [program, ...visible, ...visible.flatMap((c) => c.commands)];
  const valueFlags = all.flatMap((c) => c.options.filter((o) => !o.hidden && (o.required || o.optional)).flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string')));
  return {
    commands: visible.map((c) => ({
      names: [c.name(), ...c.aliases()],
      flags: [...flagsOf(c.options), ...c.commands.flatMap((s) => flagsOf(s.options)), '--help'],
      subcommands: c.commands.map((s) => s.name()),
    })),
    globalFlags: [...new Set([...flagsOf(program.options), '--help', '--version'])],
    valueFlags: [...new Set(valueFlags)],
  };
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, program: Command): string {
  const tree = treeOf(program);
  return shell === 'fish' ? fish(tree) : shell === 'zsh' ? zsh(tree) : bash(tree);
}

const words = (list: readonly string[]): string => [...new Set(list)].join(' ');

function bash(tree: Tree): string {
  const cases = tree.commands
    .map((c) => `    ${c.names.join('|')}) flags="${words(c.flags)}"; subs="${words(c.subcommands)}" ;;`)
    .join('\n');
  return `# kubechaos completion for bash. Load it with:
#   source <(kubechaos completion bash)
# or save it as /etc/bash_completion.d/kubechaos (or ~/.local/share/bash-completion/completions/kubechaos).
_kubechaos() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmd="" i w scope=()
  # The command is the first word that is neither a flag nor a flag's value; connection flags
  # are passed on to \`kubechaos __complete\` so that it looks where the command will.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case " ${words(tree.valueFlags)} " in
      *" $w "*)
        case "$w" in -n|--namespace|--kubeconfig|--context) scope+=("$w" "\${COMP_WORDS[i+1]}") ;; esac
        i=$((i + 1)); continue ;;
    esac
    case "$w" in
      -A|--all-namespaces) scope+=("$w") ;;
      -*) ;;
      *) [ -z "$cmd" ] && cmd="$w" ;;
    esac
  done
  case "$prev" in
    -n|--namespace) COMPREPLY=($(compgen -W "$(kubechaos "\${scope[@]}" __complete namespaces 2>/dev/null)" -- "$cur")); return ;;
    -o|--output) COMPREPLY=($(compgen -W "table json yaml" -- "$cur")); return ;;
    --type) COMPREPLY=($(compgen -W "pod-kill scale drain isolate" -- "$cur")); return ;;
    --engine) COMPREPLY=($(compgen -W "native litmus" -- "$cur")); return ;;
    --kubeconfig|-f|--filename) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case " ${words(tree.valueFlags)} " in *" $prev "*) return ;; esac
  local flags="" subs=""
  case "$cmd" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags ${words(tree.globalFlags)}" -- "$cur"))
  elif [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "${words(tree.commands.map((c) => c.names[0]!))}" -- "$cur"))
  elif [ "$cmd" = status ] || [ "$cmd" = stop ]; then
    COMPREPLY=($(compgen -W "$(kubechaos "\${scope[@]}" __complete runs 2>/dev/null)" -- "$cur"))
  elif [ -n "$subs" ]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -o default -F _kubechaos kubechaos
`;
}

function zsh(tree: Tree): string {
  // zsh runs the bash function through its bash-completion layer: one logic for both shells.
  return `#compdef kubechaos
# kubechaos completion for zsh. Load it with:
#   source <(kubechaos completion zsh)
# or save it as _kubechaos in a directory of your $fpath.
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash(tree).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}

function fish(tree: Tree): string {
  const names = tree.commands.map((c) => c.names[0]!);
  const q = (s: string) => `'${s.replaceAll("'", "\\'")}'`;
  const flag = (f: string) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
  const takes = (f: string) => (['-f', '--filename'].includes(f) ? ' -r -F' : tree.valueFlags.includes(f) ? ' -r' : '');
  const lines = [
    '# kubechaos completion for fish. Load it with:',
    '#   kubechaos completion fish | source',
    '# or save it as ~/.config/fish/completions/kubechaos.fish',
    '# Connection flags already typed, passed on to `kubechaos __complete`.',
    'function __kubechaos_scope',
    '  set -l words (commandline -opc)',
    '  for i in (seq 2 (count $words))',
    '    switch $words[$i]',
    '      case -n --namespace --kubeconfig --context',
    '        set -l next (math $i + 1)',
    '        if test $next -le (count $words); echo $words[$i]; echo $words[$next]; end',
    '      case -A --all-namespaces',
    '        echo $words[$i]',
    '    end',
    '  end',
    'end',
    'complete -c kubechaos -f',
    `complete -c kubechaos -n __fish_use_subcommand -a ${q(names.join(' '))}`,
    ...tree.globalFlags.filter((f) => !['-n', '--namespace', '-o', '--output', '--kubeconfig'].includes(f)).map((f) => `complete -c kubechaos ${flag(f)}${takes(f)}`),
    "complete -c kubechaos -s n -l namespace -x -a '(kubechaos (__kubechaos_scope) __complete namespaces 2>/dev/null)'",
    "complete -c kubechaos -s o -l output -x -a 'table json yaml'",
    'complete -c kubechaos -l kubeconfig -r -F',
    "complete -c kubechaos -n '__fish_seen_subcommand_from status stop' -x -a '(kubechaos (__kubechaos_scope) __complete runs 2>/dev/null)'",
    ...tree.commands.flatMap((c) => [
      ...c.flags.filter((f) => f !== '--help').map((f) => `complete -c kubechaos -n ${q(`__fish_seen_subcommand_from ${c.names.join(' ')}`)} ${flag(f)}${takes(f)}`),
      ...(c.subcommands.length > 0 ? [`complete -c kubechaos -n ${q(`__fish_seen_subcommand_from ${c.names.join(' ')}`)} -a ${q(c.subcommands.join(' '))}`] : []),
    ]),
    '',
  ];
  return lines.join('\n');
}
