/**
 * Privilege escalation: running anything as root or another user, setting setuid bits or file
 * capabilities, and administering users. An agent never needs more rights than it was started with.
 */
import type { Invocation } from '../analyze.js';
import type { PolicyContext } from '../types.js';
import { operands, type Hit, type RuleInfo } from './types.js';

const P = (s: string) => `Bash(${s}:*)`;

export const INFO: RuleInfo[] = [
  {
    id: 'priv.sudo',
    domain: 'privilege',
    description: 'Running commands as root or another user: `sudo`, `su`, `doas`, `pkexec`, `run0`, `runuser`; containers that get the host (`docker run --privileged`, `-v /:/host`, `--pid=host`, the Docker socket).',
    reason: 'This escalates privileges (root or another user), which an unattended agent must never do. Instead, do the task without elevated rights; if it truly needs them, describe the step in your commit message for a human.',
    examples: ['sudo rm -rf /var/log', 'sudo -u postgres psql', 'su -c "make install"', 'doas reboot', 'pkexec bash', 'sudo -s', 'docker run --privileged alpine sh', 'docker run -v /:/host alpine sh'],
    settingsPatterns: [P('sudo'), P('su'), P('doas'), P('pkexec')],
  },
  {
    id: 'priv.setuid',
    domain: 'privilege',
    description: 'Setting setuid/setgid bits (`chmod u+s`, `chmod 4755`) or file capabilities (`setcap`).',
    reason: 'This lets a program run with more rights than its caller, a classic privilege escalation. Instead, keep ordinary permissions (`chmod +x` is fine for scripts).',
    examples: ['chmod u+s ./bin/tool', 'chmod 4755 x', 'chmod +s x', 'setcap cap_net_admin+ep ./x'],
    settingsPatterns: [P('chmod u+s'), P('chmod +s'), P('setcap')],
  },
  {
    id: 'priv.user-admin',
    domain: 'privilege',
    description: 'Managing users, groups and passwords (`useradd`, `usermod`, `passwd`, `visudo`...).',
    reason: 'This changes the machine\'s users, groups or passwords. Instead, leave system administration to a human and describe the need in your commit message.',
    examples: ['useradd bob', 'usermod -aG sudo me', 'passwd root', 'visudo'],
    settingsPatterns: [P('useradd'), P('usermod'), P('passwd'), P('visudo')],
  },
];

const SU = new Set(['sudo', 'su', 'doas', 'pkexec', 'run0', 'runuser', 'sudoedit', 'gosu', 'su-exec', 'setpriv']);
const USER_ADMIN = new Set(['useradd', 'userdel', 'usermod', 'adduser', 'deluser', 'groupadd', 'groupdel', 'groupmod', 'addgroup', 'delgroup', 'passwd', 'chpasswd', 'chage', 'visudo', 'vipw', 'vigr', 'gpasswd', 'newusers', 'dscl']);

/** True when this rule set judges commands of this name (the others skip it). */
export function applies(name: string): boolean {
  return SU.has(name) || USER_ADMIN.has(name) || name === 'setcap' || name === 'chmod' || CONTAINERS.has(name);
}

const CONTAINERS = new Set(['docker', 'podman', 'nerdctl']);

/** `docker run/create/exec` options that hand the container the host: root on the machine. */
function hostContainer(vals: string[]): string | undefined {
  const sub = vals.find((v) => !v.startsWith('-'));
  if (!['run', 'create', 'exec'].includes(sub ?? '') && !(sub === 'container' && ['run', 'create', 'exec'].includes(vals[vals.indexOf('container') + 1] ?? ''))) return undefined;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (v === '--privileged' || /^--(pid|ipc|userns|uts)=host$/.test(v) || (/^--(pid|userns)$/.test(v) && vals[i + 1] === 'host')) return v;
    if (/^--cap-add(=|$)/.test(v) && /SYS_ADMIN|ALL/i.test(v.includes('=') ? v : vals[i + 1] ?? '')) return 'cap-add SYS_ADMIN';
    const vol = v === '-v' || v === '--volume' ? vals[i + 1] : /^--volume=/.test(v) ? v.slice(9) : /^-v./.test(v) ? v.slice(2) : undefined;
    if (vol !== undefined && /^\/+(:|$)|^\/var\/run\/docker\.sock|^\/run\/docker\.sock/.test(vol)) return `-v ${vol}`;
    const mount = v === '--mount' ? vals[i + 1] : /^--mount=/.test(v) ? v.slice(8) : undefined;
    if (mount !== undefined && /(^|,)(source|src)=\/+(,|$)|(^|,)(source|src)=\/(var\/)?run\/docker\.sock/.test(mount)) return `--mount ${mount}`;
  }
  return undefined;
}

export function check(inv: Invocation, _ctx: PolicyContext): Hit | undefined {
  const n = inv.name;
  if (SU.has(n)) return { ruleId: 'priv.sudo', detail: n };
  if (CONTAINERS.has(n)) {
    const h = hostContainer(inv.argv.slice(1).map((a) => a.value ?? ''));
    return h ? { ruleId: 'priv.sudo', detail: `${n} ${h}: a container with the host's root` } : undefined;
  }
  if (USER_ADMIN.has(n)) return { ruleId: 'priv.user-admin', detail: n };
  if (n === 'setcap') return { ruleId: 'priv.setuid', detail: 'setcap' };
  if (n === 'chmod') {
    const mode = operands(inv.argv.slice(1), ['--reference'])[0]?.value ?? '';
    if (/^[0-7]*[2-7][0-7]{3}$/.test(mode) && mode.length === 4 && /^[2-7]/.test(mode)) return { ruleId: 'priv.setuid', detail: `chmod ${mode}` };
    if (/^[ugoa]*[+=][rwxXt]*s/.test(mode) || /,[ugoa]*[+=][rwxXt]*s/.test(mode)) return { ruleId: 'priv.setuid', detail: `chmod ${mode}` };
  }
  return undefined;
}
