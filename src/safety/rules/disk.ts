/**
 * Disks and the machine: formatting and raw device writes, secure erase, permission changes
 * outside the worktree, power and service control, killing every process, fork bombs, and
 * pruning every container image or volume on the machine.
 */
import type { Invocation } from '../analyze.js';
import { classifyPath, isHarmlessDevice, resolvePath } from '../paths.js';
import type { PolicyContext } from '../types.js';
import { operands, options, values, type Hit, type RuleInfo } from './types.js';

const P = (s: string) => `Bash(${s}:*)`;

export const INFO: RuleInfo[] = [
  {
    id: 'sys.format-disk',
    domain: 'disk-system',
    description: 'Formatting or partitioning disks, or writing raw devices: `mkfs*`, `wipefs`, `fdisk`, `parted`, `dd of=/dev/...`.',
    reason: 'This formats or overwrites a disk device and destroys everything on it. Instead, work with ordinary files inside your worktree; nothing in a coding task needs raw disk access.',
    examples: ['mkfs.ext4 /dev/sda1', 'dd if=/dev/zero of=/dev/sda', 'wipefs -a /dev/nvme0n1', 'parted /dev/sda rm 1'],
    settingsPatterns: [P('mkfs'), P('mkfs.ext4'), P('wipefs'), P('fdisk'), P('parted'), P('dd if=/dev/zero of=/dev/sda')],
  },
  {
    id: 'sys.write-device',
    domain: 'disk-system',
    description: 'Redirecting or copying into a device file (`> /dev/sda`); `/dev/null`, `/dev/stdout`, `/dev/stderr` are fine.',
    reason: 'This writes straight into a device, which can destroy a disk or hang the machine. Instead, write to /dev/null to discard output, or to a file inside your worktree.',
    examples: ['echo x > /dev/sda', 'cat img > /dev/nvme0n1', 'cp disk.img /dev/sdb'],
  },
  {
    id: 'sys.shred',
    domain: 'disk-system',
    description: '`shred` (unrecoverable overwrite).',
    reason: 'shred overwrites files so that they can never be recovered, not even from git. Instead, delete files inside your worktree with `rm`.',
    examples: ['shred -u secrets.txt', 'shred /dev/sda'],
    settingsPatterns: [P('shred')],
  },
  {
    id: 'sys.chmod-outside',
    domain: 'disk-system',
    description: 'Changing permissions or owners outside the worktree (`chmod -R 777 /`, `chown -R user /`).',
    reason: 'This changes permissions or ownership of files outside your worktree, which can break the system or open it up. Instead, change permissions only of files in your worktree (e.g. `chmod +x ./scripts/run.sh`).',
    examples: ['chmod -R 777 /', 'chown -R me /usr', 'chmod 600 ~/.ssh/config', 'chgrp -R staff /etc'],
    settingsPatterns: [P('chmod -R 777 /'), P('chown -R')],
  },
  {
    id: 'sys.shutdown',
    domain: 'disk-system',
    description: 'Shutting down, rebooting or suspending the machine.',
    reason: 'This shuts down or restarts the machine the whole session runs on. Instead, finish your task; nothing in a coding task needs a reboot.',
    examples: ['shutdown -h now', 'reboot', 'halt', 'poweroff', 'systemctl reboot', 'init 0'],
    settingsPatterns: [P('shutdown'), P('reboot'), P('halt'), P('poweroff'), P('systemctl reboot'), P('systemctl poweroff')],
  },
  {
    id: 'sys.service-control',
    domain: 'disk-system',
    description: 'Stopping, disabling or masking system services; installing, editing or removing the crontab; changing the firewall.',
    reason: 'This changes system services or scheduled jobs the user relies on. Instead, run what you need in the foreground inside your worktree, and describe needed system changes in your commit message.',
    examples: ['systemctl stop nginx', 'systemctl disable sshd', 'service postgresql stop', 'crontab -r', 'launchctl bootout system/x', 'crontab jobs.txt', 'iptables -F', 'ufw disable'],
    settingsPatterns: [P('systemctl stop'), P('systemctl disable'), P('crontab -r')],
  },
  {
    id: 'sys.kill-all',
    domain: 'disk-system',
    description: 'Killing every process or processes by name: `kill -9 -1`, `killall`, `pkill`.',
    reason: 'This kills processes by name or all processes, including the runner, other agents and the user\'s programs. Instead, kill only a process you started, by its pid (`kill <pid>`).',
    examples: ['kill -9 -1', 'killall node', 'pkill -f vitest', 'kill -- -1'],
    settingsPatterns: [P('kill -9 -1'), P('killall'), P('pkill')],
  },
  {
    id: 'sys.fork-bomb',
    domain: 'disk-system',
    description: 'A function that calls itself in a pipeline or in the background (`:(){ :|:& };:`).',
    reason: 'This is a fork bomb: it spawns processes until the machine stops responding. Instead, write a bounded loop if you need repetition.',
    examples: [':(){ :|:& };:', 'bomb() { bomb | bomb & }; bomb'],
  },
  {
    id: 'sys.docker-prune',
    domain: 'disk-system',
    description: 'Removing every container, image or volume on the machine (`docker system prune`, `docker volume prune`, `docker rm -f $(docker ps -aq)`).',
    reason: 'This deletes containers, images or volumes of every project on the machine, including databases in volumes. Instead, remove only containers you started, by name.',
    examples: ['docker system prune -af', 'docker volume prune -f', 'docker volume rm pgdata', 'docker rm -f $(docker ps -aq)'],
    settingsPatterns: [P('docker system prune'), P('docker volume prune'), P('docker volume rm')],
  },
];

const FORMAT = /^(mkfs(\..+)?|mke2fs|mkswap|mkntfs|mkdosfs|wipefs|fdisk|sfdisk|cfdisk|gdisk|sgdisk|parted|blkdiscard|hdparm|zpool|diskutil)$/;

const DISK_NAMES = new Set(['dd', 'shred', 'chmod', 'chown', 'chgrp', 'chattr', 'setfacl', 'shutdown', 'reboot', 'halt', 'poweroff', 'suspend', 'hibernate', 'init', 'telinit', 'systemctl', 'loginctl', 'service', 'launchctl', 'crontab', 'iptables', 'ip6tables', 'nft', 'ufw', 'firewall-cmd', 'pfctl', 'brew', 'killall', 'pkill', 'killall5', 'skill', 'slay', 'kill', 'docker', 'podman']);

/** True when this rule set judges commands of this name (the others skip it). */
export function applies(name: string): boolean {
  return DISK_NAMES.has(name) || FORMAT.test(name);
}

export function check(inv: Invocation, ctx: PolicyContext): Hit | undefined {
  const n = inv.name;
  const args = inv.argv.slice(1);
  const v = values(args);
  if (FORMAT.test(n)) {
    if (n === 'hdparm' && !v.some((x) => /security-erase|--trim-sector|--write-sector|--fwdownload/.test(x))) return undefined;
    if (n === 'diskutil' && !v.some((x) => /^(erase|zero|secureErase|partition|reformat|apfs)/i.test(x))) return undefined;
    if (n === 'zpool' && !['destroy', 'labelclear', 'create'].includes(v[0] ?? '')) return undefined;
    if ((n === 'fdisk' || n === 'sfdisk' || n === 'parted') && v.some((x) => x === '-l' || x === '--list') && !v.some((x) => /^(rm|mklabel|mkpart|resizepart)$/.test(x))) return undefined;
    return { ruleId: 'sys.format-disk', detail: n };
  }
  if (n === 'dd') {
    const of = v.find((x) => x.startsWith('of='));
    if (of) {
      const p = resolvePath(of.slice(3), inv.cwd, ctx.home);
      if (p && p.startsWith('/dev/') && !isHarmlessDevice(p)) return { ruleId: 'sys.format-disk', detail: `dd of=${p}` };
    }
    return undefined;
  }
  if (n === 'shred') return { ruleId: 'sys.shred' };
  if (n === 'chmod' || n === 'chown' || n === 'chgrp' || n === 'chattr' || n === 'setfacl') {
    const ops = operands(args, ['--reference', '--from']);
    const targets = n === 'setfacl' ? ops : ops.slice(1);
    for (const t of targets) {
      if (t.value === null) {
        if (options(args).some((o) => /^-[^-]*R|--recursive/.test(o))) return { ruleId: 'sys.chmod-outside', detail: `target \`${t.text}\` only known at run time` };
        continue;
      }
      const p = resolvePath(t.value, inv.cwd, ctx.home);
      if (p === null) continue;
      const c = classifyPath(p, ctx);
      if (c === 'outside' || c === 'denied' || (c === 'root' && p !== ctx.worktreeRoot.replace(/\/$/, ''))) return { ruleId: 'sys.chmod-outside', detail: p };
    }
    return undefined;
  }
  if (['shutdown', 'reboot', 'halt', 'poweroff', 'suspend', 'hibernate'].includes(n)) return { ruleId: 'sys.shutdown' };
  if ((n === 'init' || n === 'telinit') && /^[06sS]$/.test(v[0] ?? '')) return { ruleId: 'sys.shutdown' };
  if (n === 'systemctl' || n === 'loginctl') {
    const verb = v.find((x) => !x.startsWith('-')) ?? '';
    if (['poweroff', 'reboot', 'halt', 'kexec', 'suspend', 'hibernate', 'hybrid-sleep', 'rescue', 'emergency', 'soft-reboot', 'terminate-session', 'terminate-user', 'kill-session', 'kill-user'].includes(verb)) return { ruleId: 'sys.shutdown' };
    if (['stop', 'disable', 'mask', 'kill', 'isolate', 'daemon-reexec', 'restart', 'try-restart', 'reload-or-restart'].includes(verb)) return { ruleId: 'sys.service-control', detail: `systemctl ${verb}` };
    return undefined;
  }
  if (n === 'service' && ['stop', 'restart'].includes(v[1] ?? '')) return { ruleId: 'sys.service-control' };
  if (n === 'launchctl' && ['unload', 'bootout', 'remove', 'disable', 'kill', 'reboot'].includes(v[0] ?? '')) return { ruleId: 'sys.service-control' };
  if (n === 'crontab' && v.some((x) => /^-[^-]*r/.test(x))) return { ruleId: 'sys.service-control', detail: 'crontab -r' };
  // Installing or editing a crontab schedules commands that run later, outside the session.
  if (n === 'crontab' && !(v.length > 0 && v.every((x) => /^-[lu]$/.test(x) || !x.startsWith('-')) && v.includes('-l'))) return { ruleId: 'sys.service-control', detail: `crontab ${v.join(' ')}`.trim() };
  if ((n === 'iptables' || n === 'ip6tables') && !v.some((x) => /^-[^-]*[LS]|^--list/.test(x))) return { ruleId: 'sys.service-control', detail: `${n} ${v.join(' ')}` };
  if (n === 'nft' && !['list', '-c', '--check'].includes(v.find((x) => !x.startsWith('-') || x === '-c' || x === '--check') ?? '')) return { ruleId: 'sys.service-control', detail: `nft ${v.join(' ')}` };
  if (n === 'ufw' && !['status', 'show', 'app', 'version', '--version', '--help'].includes(v[0] ?? 'status')) return { ruleId: 'sys.service-control', detail: `ufw ${v[0]}` };
  if (n === 'firewall-cmd' && v.some((x) => /^--(add|remove|set|reload|complete-reload|panic-on|permanent|new|delete)/.test(x))) return { ruleId: 'sys.service-control', detail: 'firewall-cmd' };
  if (n === 'pfctl' && v.some((x) => /^-[^-]*[dFf]/.test(x))) return { ruleId: 'sys.service-control', detail: 'pfctl' };
  if (n === 'brew' && v[0] === 'services' && ['stop', 'restart', 'kill', 'cleanup'].includes(v[1] ?? '')) return { ruleId: 'sys.service-control', detail: `brew services ${v[1]}` };
  if (n === 'killall' || n === 'pkill' || n === 'killall5' || n === 'skill' || n === 'slay') return { ruleId: 'sys.kill-all', detail: n };
  if (n === 'kill') {
    let i = 0;
    if (v[0] && /^-/.test(v[0]) && v[0] !== '--') i = v[0] === '-s' || v[0] === '-n' ? 2 : 1;
    for (const x of v.slice(i)) {
      if (x === '--') continue;
      if (x === '-1' || x === '0' || x === '-0') return { ruleId: 'sys.kill-all', detail: `kill ${x}` };
    }
    return undefined;
  }
  if (n === 'docker' || n === 'podman') {
    const ops = v.filter((x) => !x.startsWith('-'));
    if (ops[0] === 'system' && ops[1] === 'prune') return { ruleId: 'sys.docker-prune' };
    if (ops[0] === 'volume' && ['prune', 'rm', 'remove'].includes(ops[1] ?? '')) return { ruleId: 'sys.docker-prune' };
    if ((ops[0] === 'image' || ops[0] === 'container' || ops[0] === 'builder' || ops[0] === 'network') && ops[1] === 'prune' && v.some((x) => /^-[^-]*a|--all/.test(x))) return { ruleId: 'sys.docker-prune' };
    if ((ops[0] === 'rm' || ops[0] === 'rmi') && args.some((a) => a.value === null && a.cmdsubs.length > 0)) return { ruleId: 'sys.docker-prune', detail: `docker ${ops[0]} of a computed list` };
    return undefined;
  }
  return undefined;
}
