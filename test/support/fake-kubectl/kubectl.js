/**
 * A stand-in for kubectl in the restore drill's runner (render/cloudnative-pg/drill.ts): it records
 * each call (argv, one JSON line in $FAKE_KUBECTL_LOG) and answers from the scenario in
 * $FAKE_KUBECTL_SCENARIO, as the API server would for the objects the scenario describes. It
 * knows only the calls drill.sh makes and fails loudly on any other, so a new call must be
 * modelled (and authorized: support/kubectl-requests.ts) before a test passes.
 */
const { appendFileSync, existsSync, readFileSync, writeFileSync } = require('node:fs');

const scenario = JSON.parse(readFileSync(process.env.FAKE_KUBECTL_SCENARIO, 'utf8'));
const args = process.argv.slice(2);
appendFileSync(process.env.FAKE_KUBECTL_LOG, `${JSON.stringify(args)}\n`);
const state = `${process.env.FAKE_KUBECTL_SCENARIO}.created`;
const out = text => process.stdout.write(text);
const fail = (text, code = 1) => {
  process.stderr.write(`${text}\n`);
  process.exit(code);
};

if (args[0] !== '--namespace') fail(`fake kubectl: every call names its namespace first, got ${JSON.stringify(args)}`, 99);
const [, namespace, verb, ...rest] = args;
const flag = name => rest.find(a => a.startsWith(`${name}=`))?.slice(name.length + 1);
const key = `${verb} ${rest.filter(a => !a.startsWith('-')).join(' ')}`;

switch (true) {
  case verb === 'create' && rest.includes('--dry-run=server'):
    if (scenario.policy) fail(`The clusters "${scenario.drillCluster}" is invalid: : ValidatingAdmissionPolicy 'postgres-gitops-restore-drill' with binding 'postgres-gitops-restore-drill' denied request: a restore drill archives nothing: no spec.plugins entry with parameters or isWALArchiver`);
    out(`cluster.postgresql.cnpg.io/${scenario.drillCluster} created (server dry run)\n`);
    break;
  case verb === 'create':
    writeFileSync(state, 'created');
    out(`cluster.postgresql.cnpg.io/${scenario.drillCluster} created\n`);
    break;
  case verb === 'delete' && rest[0] === 'cluster':
    if (scenario.deleteFails) fail('Error from server (InternalError): etcdserver: request timed out');
    if (existsSync(state)) writeFileSync(state, 'deleted');
    break;
  case verb === 'get' && rest[0] === 'backups':
    out(scenario.backups);
    break;
  case verb === 'get' && rest[0] === 'objectstore':
    out(scenario.window ?? '');
    break;
  case verb === 'wait':
    if (scenario.ready === true) out(`cluster.postgresql.cnpg.io/${scenario.drillCluster} condition met\n`);
    else fail(`error: timed out waiting for the condition on clusters/${scenario.drillCluster}`);
    break;
  case verb === 'get' && rest[0] === 'job':
    out(scenario.recoveryFailed ? 'True' : '');
    break;
  case verb === 'get' && rest[0] === 'cluster':
    out(scenario.clusterStatus ?? 'Setting up primary: Creating primary instance');
    break;
  case verb === 'get' && rest[0] === 'secret':
    out(Buffer.from(scenario.password).toString('base64'));
    break;
  default:
    fail(`fake kubectl: no answer for ${key} in namespace ${namespace} (${flag('-o') ?? ''})`, 99);
}
