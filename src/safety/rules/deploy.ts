/**
 * Deploys, infrastructure changes and publishing: anything that reaches production or the public
 * (package registries, container registries, cloud accounts, clusters, releases, remote hosts).
 * Read-only commands of the same tools (`terraform plan`, `kubectl get`, `aws s3 ls`) are fine.
 */
import type { Invocation } from '../analyze.js';
import type { PolicyContext } from '../types.js';
import { type Hit, type RuleInfo } from './types.js';

const P = (s: string) => `Bash(${s}:*)`;

export const INFO: RuleInfo[] = [
  {
    id: 'deploy.infra-apply',
    domain: 'deploy-infra',
    description: 'Changing infrastructure: `terraform/tofu/terragrunt apply|destroy|import|state rm`, `pulumi up|destroy`, `cdk deploy|destroy`, `ansible-playbook` (without `--check`).',
    reason: 'This changes real infrastructure. Instead, change the infrastructure code in your worktree and run only read-only checks (`terraform plan`, `terraform validate`, `ansible-playbook --check`); a human applies it.',
    examples: ['terraform apply -auto-approve', 'terraform destroy', 'tofu apply', 'pulumi up --yes', 'cdk deploy', 'ansible-playbook site.yml'],
    settingsPatterns: [P('terraform apply'), P('terraform destroy'), P('tofu apply'), P('tofu destroy'), P('pulumi up'), P('pulumi destroy'), P('cdk deploy'), P('cdk destroy')],
  },
  {
    id: 'deploy.kubernetes',
    domain: 'deploy-infra',
    description: 'Changing a Kubernetes cluster: `kubectl apply|delete|create|replace|patch|edit|scale|rollout|drain|exec...`, `helm install|upgrade|uninstall|rollback`.',
    reason: 'This changes a live cluster. Instead, change the manifests or charts in your worktree and check them read-only (`kubectl diff`, `kubectl get`, `helm template`, `helm lint`).',
    examples: ['kubectl apply -f deploy.yaml', 'kubectl delete pod x', 'kubectl rollout restart deploy/api', 'helm upgrade --install api ./chart', 'kustomize build . | kubectl apply -f -'],
    settingsPatterns: [P('kubectl apply'), P('kubectl delete'), P('kubectl create'), P('kubectl replace'), P('kubectl patch'), P('kubectl rollout'), P('kubectl scale'), P('helm install'), P('helm upgrade'), P('helm uninstall')],
  },
  {
    id: 'deploy.publish',
    domain: 'deploy-infra',
    description: 'Publishing packages, images or releases: `npm/yarn/pnpm publish`, `cargo publish`, `twine upload`, `gem push`, `docker push`, `gh release create`...',
    reason: 'This publishes to a registry or as a release, which cannot be taken back and reaches users. Instead, prepare the release in your worktree (version bump, changelog) and leave publishing to a human.',
    examples: ['npm publish', 'yarn publish', 'pnpm publish --access public', 'cargo publish', 'twine upload dist/*', 'gem push x.gem', 'docker push me/app', 'gh release create v1.0'],
    settingsPatterns: [P('npm publish'), P('yarn publish'), P('pnpm publish'), P('bun publish'), P('cargo publish'), P('twine upload'), P('gem push'), P('docker push'), P('gh release create'), P('npm unpublish')],
  },
  {
    id: 'deploy.platform',
    domain: 'deploy-infra',
    description: 'Deploying to hosting platforms (and package scripts or make targets named deploy/release/publish): `wrangler deploy|publish`, `vercel --prod`, `netlify deploy`, `fly deploy`, `heroku` changes, `firebase deploy`, `serverless deploy`, `gcloud ... deploy`, `railway up`...',
    reason: 'This deploys to a live hosting platform. Instead, build and test locally in your worktree (`npm run build`, `wrangler dev`, `vercel build`); a human deploys.',
    examples: ['wrangler deploy', 'vercel --prod', 'netlify deploy --prod', 'fly deploy', 'heroku releases:rollback', 'firebase deploy', 'serverless deploy', 'gcloud run deploy api', 'railway up', 'npm run deploy'],
    settingsPatterns: [P('wrangler deploy'), P('wrangler publish'), P('vercel --prod'), P('vercel deploy'), P('netlify deploy'), P('fly deploy'), P('flyctl deploy'), P('firebase deploy'), P('serverless deploy'), P('sls deploy')],
  },
  {
    id: 'deploy.cloud-change',
    domain: 'deploy-infra',
    description: 'Mutating cloud resources with `aws`, `gcloud`, `az`, `doctl` (delete, terminate, create, update, put, deploy, `s3 rm/rb/mv/sync`, uploads to `s3://`).',
    reason: 'This changes or deletes resources in a cloud account. Instead, use read-only commands (describe, list, get) and change infrastructure through code in your worktree.',
    examples: ['aws s3 rm s3://bucket --recursive', 'aws ec2 terminate-instances --instance-ids i-1', 'aws cloudformation deploy --stack-name x', 'gcloud compute instances delete vm1', 'az group delete -n rg'],
    settingsPatterns: [P('aws s3 rm'), P('aws s3 rb'), P('aws ec2 terminate-instances'), P('aws cloudformation deploy'), P('aws cloudformation delete-stack')],
  },
  {
    id: 'deploy.github-change',
    domain: 'deploy-infra',
    description: 'Changing GitHub state: `gh pr merge`, `gh repo delete|archive|rename|edit`, `gh release delete|edit|upload`, `gh secret|variable set|delete`, `gh workflow run`, mutating `gh api` calls.',
    reason: 'This changes the shared GitHub repository (merges, releases, settings, secrets). Instead, commit on your own branch; the runner opens one pull request for a human to review and merge.',
    examples: ['gh pr merge 12 --squash', 'gh repo delete me/x --yes', 'gh secret set TOKEN', 'gh api -X DELETE repos/me/x', 'gh workflow run deploy.yml'],
    settingsPatterns: [P('gh pr merge'), P('gh repo delete'), P('gh release delete'), P('gh secret set'), P('gh workflow run')],
  },
  {
    id: 'deploy.remote-shell',
    domain: 'deploy-infra',
    description: 'Running commands on or copying files to remote hosts: `ssh host command`, `scp` / `rsync` to `host:path`.',
    reason: 'This acts on another machine (possibly production). Instead, keep your work inside your worktree on this machine.',
    examples: ['ssh prod "systemctl restart api"', 'scp dist/app.js prod:/srv/app/', 'rsync -a dist/ deploy@web:/var/www/'],
    settingsPatterns: [P('ssh'), P('scp')],
  },
];

const KUBECTL_MUTATING = new Set(['apply', 'delete', 'create', 'replace', 'patch', 'edit', 'scale', 'rollout', 'drain', 'cordon', 'uncordon', 'taint', 'set', 'label', 'annotate', 'autoscale', 'expose', 'run', 'exec', 'cp', 'attach', 'debug']);
const CLOUD_VERB = /^(delete|terminate|remove|stop|reboot|reset|update|put|create|modify|deregister|detach|revoke|attach|disassociate|deploy|start|restore|import|promote|publish|invoke|purge|resize|rollback|set-iam-policy|add-iam-policy-binding|remove-iam-policy-binding|disable|enable|cancel|replace|tag|untag|upload|restart|scale|swap|apply|destroy|rm|rb|mv|sync|send|execute-statement|batch-write-item|write)([-:].*)?$/;

/** The command names this rule set judges (the others skip it, which keeps the gate's start-up short). */
export const NAMES: ReadonlySet<string> = new Set(['amplify', 'ansible', 'argocd', 'ansible-playbook', 'aws', 'az', 'buildah', 'bun', 'caprover', 'cargo', 'cdk', 'cdktf', 'chalice', 'changeset', 'cap', 'copilot', 'deno', 'docker', 'docker-compose', 'doctl', 'dokku', 'dotnet', 'eas', 'eb', 'firebase', 'firebase-tools', 'flit', 'fly', 'flyctl', 'gcloud', 'gem', 'gh', 'git', 'goreleaser', 'gradle', 'gradlew', 'gsutil', 'hatch', 'hcloud', 'helm', 'helmfile', 'heroku', 'jsr', 'ibmcloud', 'just', 'k', 'kamal', 'kubectl', 'lerna', 'linode-cli', 'mage', 'make', 'mosh', 'mvn', 'mvnw', 'netlify', 'netlify-cli', 'now', 'np', 'npm', 'ntl', 'nuget', 'oc', 'oci', 'ovsx', 'pdm', 'pnpm', 'pod', 'podman', 'poetry', 'pulumi', 'railway', 'release-it', 'render', 'rsync', 'sam', 'scp', 'scw', 'semantic-release', 'serverless', 'sftp', 'skaffold', 'skopeo', 'sls', 'ssh', 'sst', 'surge', 'task', 'terraform', 'terraform-bin', 'terragrunt', 'tofu', 'twine', 'python', 'python3', 'uv', 'vc', 'vercel', 'vsce', 'wrangler', 'yarn', 'zappa']);

export function check(inv: Invocation, _ctx: PolicyContext): Hit | undefined {
  const n = inv.name;
  const vals = inv.argv.slice(1).map((a) => a.value ?? '');
  const ops = vals.filter((v) => !v.startsWith('-'));
  const has = (...f: string[]) => vals.some((v) => f.includes(v) || f.some((x) => x.startsWith('--') && v.startsWith(x + '=')));
  const first = ops[0] ?? '';
  switch (n) {
    case 'terraform':
    case 'tofu':
    case 'terragrunt':
    case 'terraform-bin': {
      if (['apply', 'destroy', 'import', 'taint', 'untaint', 'force-unlock', 'run-all'].includes(first)) {
        if (first === 'run-all' && !['apply', 'destroy'].includes(ops[1] ?? '')) return undefined;
        return { ruleId: 'deploy.infra-apply', detail: `${n} ${first}` };
      }
      if (first === 'state' && ['rm', 'mv', 'push', 'replace-provider'].includes(ops[1] ?? '')) return { ruleId: 'deploy.infra-apply', detail: `${n} state ${ops[1]}` };
      if (first === 'workspace' && ops[1] === 'delete') return { ruleId: 'deploy.infra-apply' };
      return undefined;
    }
    case 'pulumi':
      if (['up', 'update', 'destroy', 'refresh', 'import', 'cancel'].includes(first) || (first === 'stack' && ops[1] === 'rm') || (first === 'state' && ops[1] === 'delete')) return { ruleId: 'deploy.infra-apply', detail: `pulumi ${first}` };
      return undefined;
    case 'cdk':
    case 'cdktf':
      if (['deploy', 'destroy', 'bootstrap'].includes(first)) return { ruleId: 'deploy.infra-apply', detail: `${n} ${first}` };
      return undefined;
    case 'ansible-playbook':
      if (has('--check', '-C', '--syntax-check', '--list-hosts', '--list-tasks', '--list-tags')) return undefined;
      return { ruleId: 'deploy.infra-apply', detail: 'ansible-playbook' };
    case 'ansible':
      if (has('-m', '--module-name', '-a', '--args') && !has('--check', '-C')) return { ruleId: 'deploy.infra-apply', detail: 'ansible ad-hoc command' };
      return undefined;
    case 'kubectl':
    case 'oc':
    case 'k': {
      const verbs = ops.slice(0, 3);
      const v = verbs.find((x) => KUBECTL_MUTATING.has(x));
      if (v && !(v === 'rollout' && ['status', 'history'].includes(ops[ops.indexOf('rollout') + 1] ?? '')) && !(vals.some((x) => x === '--dry-run' || /^--dry-run=(client|server|true)$/.test(x)) && v !== 'exec')) return { ruleId: 'deploy.kubernetes', detail: `${n} ${v}` };
      if (ops[0] === 'config' && ['delete-context', 'delete-cluster', 'delete-user', 'use-context', 'set-context', 'set-cluster'].includes(ops[1] ?? '')) return { ruleId: 'deploy.kubernetes', detail: `kubectl config ${ops[1]}` };
      return undefined;
    }
    case 'helm':
      if (['install', 'upgrade', 'uninstall', 'delete', 'rollback', 'del', 'un'].includes(first) && !has('--dry-run')) return { ruleId: 'deploy.kubernetes', detail: `helm ${first}` };
      if (first === 'push' || (first === 'plugin' && ops[1] === 'install')) return { ruleId: 'deploy.publish', detail: `helm ${first}` };
      return undefined;
    case 'helmfile':
      if (['apply', 'sync', 'destroy', 'delete'].includes(first)) return { ruleId: 'deploy.kubernetes', detail: `helmfile ${first}` };
      return undefined;
    case 'npm':
    case 'yarn':
    case 'pnpm':
    case 'bun':
      if (['publish', 'unpublish', 'deprecate', 'dist-tag', 'owner'].includes(first) && !(first === 'dist-tag' && ['ls', 'list'].includes(ops[1] ?? ''))) {
        if (has('--dry-run')) return undefined;
        return { ruleId: 'deploy.publish', detail: `${n} ${first}` };
      }
      if (n === 'yarn' && first === 'npm' && ops[1] === 'publish') return { ruleId: 'deploy.publish', detail: 'yarn npm publish' };
      {
        // A package script named deploy/release/publish: its content is not visible, its name says enough.
        const script = first === 'run' || first === 'run-script' ? ops[1] ?? '' : n === 'yarn' || (n === 'pnpm' && first !== 'deploy') || (n === 'bun' && first !== '') ? first : '';
        if (/^(deploy|release|publish|ship)([-:_.]|$)/i.test(script)) return { ruleId: 'deploy.platform', detail: `${n} script \`${script}\`` };
      }
      return undefined;
    case 'make':
    case 'just':
    case 'task':
    case 'mage': {
      const target = ops.find((o) => /^(deploy|release|publish|ship)([-:_.]|$)/i.test(o));
      if (target) return { ruleId: 'deploy.platform', detail: `${n} target \`${target}\`` };
      return undefined;
    }
    case 'lerna':
    case 'changeset':
    case 'release-it':
    case 'semantic-release':
    case 'np':
      if (n === 'lerna' && first !== 'publish') return undefined;
      if (n === 'changeset' && first !== 'publish') return undefined;
      if (has('--dry-run', '-d') && n !== 'lerna') return undefined;
      return { ruleId: 'deploy.publish', detail: n };
    case 'cargo':
      if ((first === 'publish' || first === 'yank' || first === 'owner') && !has('--dry-run')) return { ruleId: 'deploy.publish', detail: `cargo ${first}` };
      return undefined;
    case 'twine':
      if (first === 'upload' || first === 'register') return { ruleId: 'deploy.publish', detail: 'twine upload' };
      return undefined;
    case 'poetry':
    case 'flit':
    case 'hatch':
    case 'uv':
    case 'pdm':
      if (first === 'publish') return { ruleId: 'deploy.publish', detail: `${n} publish` };
      return undefined;
    case 'gem':
      if (first === 'push' || first === 'yank' || first === 'owner') return { ruleId: 'deploy.publish', detail: `gem ${first}` };
      return undefined;
    case 'docker-compose':
      if (first === 'push' || (first === 'build' && has('--push'))) return { ruleId: 'deploy.publish', detail: 'docker-compose push' };
      return undefined;
    case 'docker':
    case 'podman':
    case 'buildah':
    case 'skopeo':
      if (first === 'compose' && (ops.includes('push') || (ops.includes('build') && has('--push')))) return { ruleId: 'deploy.publish', detail: `${n} compose push` };
      if (first === 'buildx' && ops[1] === 'bake' && has('--push')) return { ruleId: 'deploy.publish', detail: `${n} buildx bake --push` };
      if (first === 'push' || (first === 'image' && ops[1] === 'push') || (first === 'manifest' && ops[1] === 'push') || (first === 'buildx' && ops[1] === 'build' && has('--push')) || (first === 'build' && has('--push')) || (n === 'skopeo' && first === 'copy')) return { ruleId: 'deploy.publish', detail: `${n} push` };
      if (first === 'stack' && ops[1] === 'deploy') return { ruleId: 'deploy.platform', detail: 'docker stack deploy' };
      if (first === 'service' && ['update', 'rm', 'create', 'scale'].includes(ops[1] ?? '')) return { ruleId: 'deploy.platform', detail: `docker service ${ops[1]}` };
      return undefined;
    case 'dotnet':
      if (first === 'nuget' && ops[1] === 'push') return { ruleId: 'deploy.publish', detail: 'dotnet nuget push' };
      return undefined;
    case 'nuget':
      if (first === 'push') return { ruleId: 'deploy.publish', detail: 'nuget push' };
      return undefined;
    case 'mvn':
    case 'mvnw':
      if (ops.some((o) => o === 'deploy' || o.startsWith('release:'))) return { ruleId: 'deploy.publish', detail: 'mvn deploy' };
      return undefined;
    case 'gradle':
    case 'gradlew':
      if (ops.some((o) => /^publish|^uploadArchives$/.test(o))) return { ruleId: 'deploy.publish', detail: 'gradle publish' };
      return undefined;
    case 'vsce':
    case 'ovsx':
      if (first === 'publish' || first === 'unpublish') return { ruleId: 'deploy.publish', detail: `${n} publish` };
      return undefined;
    case 'goreleaser':
      if ((first === 'release' || first === '') && !has('--snapshot', '--skip=publish', '--skip-publish')) return { ruleId: 'deploy.publish', detail: 'goreleaser release' };
      return undefined;
    case 'gh': {
      const [a = '', b = ''] = ops;
      if (a === 'release' && ['create', 'delete', 'edit', 'upload', 'delete-asset'].includes(b)) return { ruleId: b === 'create' || b === 'upload' ? 'deploy.publish' : 'deploy.github-change', detail: `gh release ${b}` };
      if (a === 'pr' && ['merge'].includes(b)) return { ruleId: 'deploy.github-change', detail: 'gh pr merge' };
      if (a === 'repo' && ['delete', 'archive', 'rename', 'edit', 'transfer', 'unarchive', 'sync'].includes(b)) return { ruleId: 'deploy.github-change', detail: `gh repo ${b}` };
      if ((a === 'secret' || a === 'variable') && ['set', 'delete', 'remove'].includes(b)) return { ruleId: 'deploy.github-change', detail: `gh ${a} ${b}` };
      if (a === 'workflow' && ['run', 'enable', 'disable'].includes(b)) return { ruleId: 'deploy.github-change', detail: `gh workflow ${b}` };
      if (a === 'run' && ['cancel', 'delete'].includes(b)) return { ruleId: 'deploy.github-change', detail: `gh run ${b}` };
      if (a === 'api') {
        const i = vals.findIndex((v) => v === '-X' || v === '--method');
        const method = (i >= 0 ? vals[i + 1] : vals.find((v) => /^--method=|^-X[A-Z]/.test(v))?.replace(/^--method=|^-X/, '')) ?? '';
        if (/^(DELETE|PUT|PATCH|POST)$/i.test(method)) return { ruleId: 'deploy.github-change', detail: `gh api ${method}` };
        // `gh api graphql -f query='{ ... }'` is a POST that only reads, unless the query is a mutation.
        const graphqlRead = ops[1] === 'graphql' && !method && !vals.some((v) => /\bmutation\b/.test(v)) && !has('--input');
        if (has('-f', '-F', '--field', '--raw-field', '--input') && !/^GET$/i.test(method) && !graphqlRead) return { ruleId: 'deploy.github-change', detail: 'gh api with fields (POST)' };
      }
      return undefined;
    }
    case 'wrangler':
      if (['deploy', 'publish', 'delete', 'rollback'].includes(first) || (first === 'pages' && ['deploy', 'publish'].includes(ops[1] ?? '')) || (first === 'secret' && ['put', 'delete', 'bulk'].includes(ops[1] ?? '')) || (['d1', 'kv', 'r2', 'kv:namespace', 'kv:key'].includes(first) && ops.some((o) => ['delete', 'execute', 'put', 'create'].includes(o)) && (first !== 'd1' || !has('--local')))) return { ruleId: 'deploy.platform', detail: `wrangler ${ops.slice(0, 2).join(' ')}` };
      return undefined;
    case 'vercel':
    case 'vc':
      if (['dev', 'build', 'env', 'pull', 'whoami', 'ls', 'list', 'inspect', 'logs', 'help', 'login', 'link', 'project', 'domains', 'dns', 'certs', 'teams', 'switch'].includes(first) && !has('--prod')) {
        if (first === 'env' && ['add', 'rm', 'remove'].includes(ops[1] ?? '')) return { ruleId: 'deploy.platform', detail: `vercel env ${ops[1]}` };
        return undefined;
      }
      if (has('--version', '-v', '--help', '-h')) return undefined;
      return { ruleId: 'deploy.platform', detail: `vercel ${first || '(deploy)'}` };
    case 'jsr':
    case 'deno':
      if (first === 'publish' && !has('--dry-run')) return { ruleId: 'deploy.publish', detail: `${n} publish` };
      return undefined;
    case 'python':
    case 'python3': {
      // `python setup.py sdist upload` (the old distutils upload command).
      const i = vals.findIndex((v) => /(^|\/)setup\.py$/.test(v));
      if (i >= 0 && vals.slice(i + 1).some((v) => v === 'upload' || v === 'register')) return { ruleId: 'deploy.publish', detail: 'setup.py upload' };
      return undefined;
    }
    case 'argocd':
      if ((first === 'app' && ['sync', 'delete', 'rollback', 'set', 'create', 'patch', 'terminate-op', 'actions'].includes(ops[1] ?? '')) || (['repo', 'cluster', 'proj'].includes(first) && ['add', 'rm', 'remove', 'delete', 'create'].includes(ops[1] ?? ''))) return { ruleId: 'deploy.kubernetes', detail: `argocd ${ops.slice(0, 2).join(' ')}` };
      return undefined;
    case 'skaffold':
      if (['run', 'deploy', 'delete', 'apply', 'dev'].includes(first)) return { ruleId: 'deploy.kubernetes', detail: `skaffold ${first}` };
      return undefined;
    case 'sst':
      if (['deploy', 'remove', 'unlock'].includes(first) || (first === 'secret' && ['set', 'remove', 'load'].includes(ops[1] ?? ''))) return { ruleId: 'deploy.platform', detail: `sst ${ops.slice(0, 2).join(' ')}` };
      return undefined;
    case 'eas':
      if (first === 'submit' || first === 'update' || (first === 'build' && has('--auto-submit', '--auto-submit-with-profile')) || (first === 'channel:rollout') || (first === 'secret:create' || first === 'secret:delete')) return { ruleId: 'deploy.platform', detail: `eas ${first}` };
      return undefined;
    case 'pod':
      if (first === 'trunk' && ['push', 'delete', 'deprecate'].includes(ops[1] ?? '')) return { ruleId: 'deploy.publish', detail: `pod trunk ${ops[1]}` };
      if (first === 'repo' && ops[1] === 'push') return { ruleId: 'deploy.publish', detail: 'pod repo push' };
      return undefined;
    case 'cap':
      // Capistrano: `cap <stage> deploy`, `cap production deploy:rollback`.
      if (ops.some((o) => /^deploy(:|$)/.test(o))) return { ruleId: 'deploy.platform', detail: `cap ${ops.join(' ')}` };
      return undefined;
    case 'kamal':
      if (['deploy', 'redeploy', 'rollback', 'remove', 'setup', 'prune'].includes(first) || (['app', 'accessory', 'proxy', 'traefik'].includes(first) && ['boot', 'start', 'stop', 'remove', 'reboot', 'restart'].includes(ops[1] ?? ''))) return { ruleId: 'deploy.platform', detail: `kamal ${ops.slice(0, 2).join(' ')}` };
      return undefined;
    case 'netlify':
    case 'netlify-cli':
    case 'ntl':
      if (['deploy', 'sites:delete', 'env:set', 'env:unset', 'api'].includes(first)) return { ruleId: 'deploy.platform', detail: `netlify ${first}` };
      return undefined;
    case 'fly':
    case 'flyctl':
      if (first === 'ssh' && ops[1] === 'console' && has('-C', '--command')) return { ruleId: 'deploy.remote-shell', detail: 'fly ssh console -C' };
      if (['deploy', 'launch', 'destroy', 'scale', 'secrets', 'releases', 'restart', 'machine', 'machines', 'volumes', 'postgres', 'apps'].includes(first) && !['list', 'ls', 'status', 'show'].includes(ops[1] ?? '')) {
        if (first === 'releases' && !['rollback'].includes(ops[1] ?? '')) return undefined;
        return { ruleId: 'deploy.platform', detail: `fly ${ops.slice(0, 2).join(' ')}` };
      }
      return undefined;
    case 'heroku':
      if (/^(logs|ps|apps|apps:info|releases|status|help|version|whoami|auth:whoami|addons|domains|regions|stack|features|labs|access|pg:info|pg:psql|auth:.*|login|logout)$/.test(first) && !['apps:destroy'].includes(first)) return undefined;
      if (first === '' || has('--version', '--help')) return undefined;
      return { ruleId: 'deploy.platform', detail: `heroku ${first}` };
    case 'firebase':
    case 'firebase-tools':
      if (['deploy', 'hosting:disable', 'hosting:channel:deploy', 'functions:delete', 'firestore:delete', 'database:remove', 'database:set', 'database:update', 'database:push', 'projects:create', 'apps:create'].includes(first)) return { ruleId: 'deploy.platform', detail: `firebase ${first}` };
      return undefined;
    case 'serverless':
    case 'sls':
    case 'sam':
    case 'amplify':
    case 'railway':
    case 'render':
    case 'surge':
    case 'now':
    case 'eb':
    case 'copilot':
    case 'zappa':
    case 'chalice':
    case 'dokku':
    case 'caprover':
      if (['deploy', 'remove', 'publish', 'push', 'up', 'delete', 'destroy', 'rollback', 'terminate', 'undeploy', 'update', 'teardown', 'sync'].includes(first) || (n === 'surge' && first !== 'list' && first !== 'whoami')) return { ruleId: 'deploy.platform', detail: `${n} ${first}` };
      return undefined;
    case 'gcloud':
    case 'gsutil':
    case 'az':
    case 'doctl':
    case 'aws':
    case 'linode-cli':
    case 'hcloud':
    case 'scw':
    case 'oci':
    case 'ibmcloud':
      return cloud(n, ops, vals);
    case 'ssh':
    case 'mosh': {
      const optsWithValue = new Set(['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B']);
      const pos: string[] = [];
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i]!;
        if (v.startsWith('-')) {
          if (optsWithValue.has(v)) i++;
          continue;
        }
        pos.push(v);
      }
      if (pos.length >= 2) return { ruleId: 'deploy.remote-shell', detail: `ssh ${pos[0]} ${pos.slice(1).join(' ')}` };
      return undefined;
    }
    case 'scp':
    case 'sftp':
    case 'rsync': {
      const last = ops[ops.length - 1] ?? '';
      if (ops.length >= 2 && /^[^/\s]+:/.test(last) && !/^[a-z]+:\/\//.test(last) ? true : /^(scp|sftp):\/\//.test(last)) return { ruleId: 'deploy.remote-shell', detail: `${n} to ${last}` };
      return undefined;
    }
    case 'git': {
      // `git push heroku main`: pushing to a deploy remote.
      const i = vals.indexOf('push');
      const remote = i >= 0 ? vals.slice(i + 1).find((v) => !v.startsWith('-')) : undefined;
      if (remote && /^(heroku|dokku|production|prod|live|deploy)$/.test(remote)) return { ruleId: 'deploy.platform', detail: `git push ${remote}` };
      return undefined;
    }
  }
  return undefined;
}

function cloud(n: string, ops: string[], vals: string[]): Hit | undefined {
  if (n === 'aws') {
    const [svc = '', op = ''] = ops;
    if (svc === 's3') {
      if (['rm', 'rb', 'mv', 'sync'].includes(op)) return { ruleId: 'deploy.cloud-change', detail: `aws s3 ${op}` };
      if (op === 'cp' && /^s3:\/\//.test(ops[ops.length - 1] ?? '')) return { ruleId: 'deploy.cloud-change', detail: 'aws s3 cp to a bucket' };
      return undefined;
    }
    if (svc === 'configure' || svc === 'sts' || svc === 'help') return undefined;
    if (CLOUD_VERB.test(op)) return { ruleId: 'deploy.cloud-change', detail: `aws ${svc} ${op}` };
    return undefined;
  }
  if (n === 'gsutil') {
    const op = ops[0] ?? '';
    if (['rm', 'rb', 'mv', 'rsync'].includes(op) || (op === 'cp' && /^gs:\/\//.test(ops[ops.length - 1] ?? ''))) return { ruleId: 'deploy.cloud-change', detail: `gsutil ${op}` };
    return undefined;
  }
  if (n === 'gcloud' && (ops[0] === 'auth' || ops[0] === 'config' || ops[0] === 'help' || ops[0] === 'info' || ops[0] === 'components')) {
    if (ops[0] === 'config' && ops[1] === 'set') return undefined;
    return undefined;
  }
  if (ops.slice(0, 5).some((o) => o === 'deploy')) return { ruleId: 'deploy.platform', detail: `${n} ... deploy` };
  const verb = ops.slice(1, 5).find((o) => CLOUD_VERB.test(o));
  if (verb && !vals.includes('--dry-run')) return { ruleId: 'deploy.cloud-change', detail: `${n} ... ${verb}` };
  return undefined;
}
