import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from './exit-codes';
import { loadPlatform, readYamlFile, writeFileSet } from './files';
import { localStorePlatform } from './platform';
import { KRATIX_DEFAULT_PATHS, runKratix } from './kratix';
import { formatVerifyResult, verifyStateStore } from './verify';
import { kratixPromise } from './promise';
import { pinImage } from './image-digest';
import { publishCommand, publisherFor, type PublishCommandOptions } from './publish';
import { fleetCommand } from './fleet/command';
import { decommissionCommand } from './decommission';
import { updateCommand } from './update';
import { ChangedMeanwhileError } from '@postgres-gitops/publish';
import { argoWiring, assertWiringOptions, drillPolicy, assertWorld, ChangeRefusedError, codeowners, CODEOWNERS_PATH, fluxWiring, githubWorkflow, renderDatabase, RENDERER_VERSION, RequestValidationError, reviewWarnings, toYaml, toYamlStream, VERIFY_SCRIPT_PATH, verifyScript, WORKFLOW_PATH } from '@postgres-gitops/renderer';

const DEFAULT_PIPELINE_IMAGE = `ghcr.io/postgres-gitops/pipeline:v${RENDERER_VERSION}`;

const USAGE = `usage:
  postgres-gitops render <request.yaml> [--out <state-dir>] [--platform <platform.yaml>]
  postgres-gitops verify <state-dir> [--platform <platform.yaml>]
  postgres-gitops publish <request.yaml | database-dir> --repo <url> [--base main] [--update] [--allow-destructive]
                  [--draft] [--reviewer <login|org/team>]... [--label <label>]... [--github-api-url <url>] [--platform <platform.yaml>]
                  (GitHub: https://github.com/<owner>/<repo> with GITHUB_TOKEN; any other URL or path: a git remote)
  postgres-gitops update <cluster>/<namespace>/<name> --repo <url> --set <field>=<value>... [--allow-destructive]
                  [--allow-major-upgrade] [--base main] [--draft] [--reviewer ...] [--label ...] [--platform <platform.yaml>]
  postgres-gitops decommission <cluster>/<namespace>/<name> --repo <url> [--allow-destructive] [--base main] [--reviewer ...] [--label ...]
                  (--allow-destructive: a retired shared-server database's database and role are dropped for good)
  postgres-gitops fleet plan <state-dir> [--cluster <name>] [--namespace <name>] [--set <field>=<value>]... [--threads N] [--platform <platform.yaml>]
  postgres-gitops fleet publish <state-dir> --repo <url> [--cluster ...] [--namespace ...] [--set ...]... [--allow-destructive] [--skip-invalid]
                  [--base main] [--draft] [--reviewer ...] [--label ...]
                  (one pull request per cluster; --set minorVersion=latest moves every database to the newest minor of its major)
  postgres-gitops wiring --cluster <name> (--flux --repo-url <url> [--branch main] [--secret <name>] [--platform <platform.yaml>] | --argo --repo-url <url>)
                  (--flux: an index GitRepository and a root Kustomization over each database's own Kustomization)
  postgres-gitops wiring --drill-policy [--platform <platform.yaml>]   the admission policy restore drills need, once per cluster
  postgres-gitops ci (--github | --shell)   the state store's own CI: a GitHub Actions workflow, or the verify step for any CI
  postgres-gitops ci --codeowners [<state-dir>] [--platform <platform.yaml>]   its review rule: namespace owners from the settings' access
  postgres-gitops kratix [--input <dir>] [--output <dir>] [--metadata <dir>] [--platform <platform.yaml>]
  postgres-gitops promise [--image <pipeline image>]   (pinned: <image>@sha256:…, read with skopeo)
exit codes: 0 ok, 1 verify found drift, 2 invalid input or a refused change, 3 internal error`;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: long runs show progress. */
  isTTY?: boolean;
}

async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      platform: { type: 'string' },
      cluster: { type: 'string' },
      flux: { type: 'boolean' },
      argo: { type: 'boolean' },
      branch: { type: 'string' },
      secret: { type: 'string' },
      'repo-url': { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
      metadata: { type: 'string' },
      image: { type: 'string' },
      repo: { type: 'string' },
      base: { type: 'string' },
      update: { type: 'boolean' },
      'allow-destructive': { type: 'boolean' },
      draft: { type: 'boolean' },
      reviewer: { type: 'string', multiple: true },
      label: { type: 'string', multiple: true },
      'github-api-url': { type: 'string' },
      set: { type: 'string', multiple: true },
      'allow-major-upgrade': { type: 'boolean' },
      namespace: { type: 'string' },
      threads: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      github: { type: 'boolean' },
      shell: { type: 'boolean' },
      codeowners: { type: 'boolean' },
      'drill-policy': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    io.stdout(`${USAGE}\n`);
    return values.help ? EXIT.ok : EXIT.invalidInput;
  }
  const flagPlatform = () => loadPlatform(values.platform);
  const publishOptions = (repo: string): PublishCommandOptions => ({
    repo,
    base: values.base ?? 'main',
    update: values.update ?? false,
    allowDestructive: values['allow-destructive'] ?? false,
    draft: values.draft ?? false,
    reviewers: values.reviewer ?? [],
    labels: values.label ?? [],
    githubApiUrl: values['github-api-url'],
    author: { name: io.env.GIT_AUTHOR_NAME ?? 'postgres-gitops', email: io.env.GIT_AUTHOR_EMAIL ?? 'postgres-gitops@localhost' },
  });

  switch (command) {
    case 'render': {
      if (args.length !== 1) throw new UsageError('render takes exactly one request file');
      // Rendering into a state store uses the store's settings; printing uses --platform.
      const platform = values.out ? await localStorePlatform(values.out, values.platform) : await flagPlatform();
      const rendered = renderDatabase(await readYamlFile(args[0]), platform);
      assertWorld(rendered.request, { now: new Date() }, platform);
      printWarnings(io, reviewWarnings(rendered.plan));
      if (values.out) {
        // The directory is the database: files an earlier render wrote and this one does not are removed.
        await rm(join(values.out, rendered.directory), { recursive: true, force: true });
        await mkdir(values.out, { recursive: true });
        await writeFileSet(values.out, rendered.files);
        io.stderr(`wrote ${Object.keys(rendered.files).length} files to ${values.out}/${rendered.directory}/\n`);
      } else {
        io.stdout(toYamlStream(rendered.manifests));
      }
      return EXIT.ok;
    }
    case 'verify': {
      if (args.length !== 1) throw new UsageError('verify takes exactly one state directory');
      const result = await verifyStateStore(args[0], await localStorePlatform(args[0], values.platform));
      (result.problems.length === 0 ? io.stdout : io.stderr)(formatVerifyResult(result));
      return result.problems.length === 0 ? EXIT.ok : EXIT.drift;
    }
    case 'publish': {
      if (args.length !== 1) throw new UsageError('publish takes exactly one request file or database directory');
      if (!values.repo) throw new UsageError('publish needs --repo <state-store URL or path>');
      const { rendered, decision, result, publisher } = await publishCommand(args[0], values.platform, publishOptions(values.repo), io.env);
      printWarnings(io, reviewWarnings(rendered.plan));
      const what = !result.changed ? 'unchanged' : decision.update ? 'updated' : 'created';
      io.stdout(`${what}: ${rendered.directory} on branch ${result.branch} of ${publisher.description}${result.pullRequest ? `\npull request: ${result.pullRequest.url}` : ''}\n`);
      return EXIT.ok;
    }
    case 'update': {
      if (args.length !== 1) throw new UsageError('update takes exactly one <cluster>/<namespace>/<name>');
      if (!values.repo) throw new UsageError('update needs --repo <state-store URL or path>');
      const options = { ...publishOptions(values.repo), allowMajorUpgrade: values['allow-major-upgrade'] ?? false };
      const { rendered, result, publisher } = await updateCommand(args[0], values.set ?? [], values.platform, options, io.env);
      printWarnings(io, reviewWarnings(rendered.plan));
      io.stdout(`${result.changed ? 'updated' : 'unchanged'}: ${rendered.directory} on branch ${result.branch} of ${publisher.description}${result.pullRequest ? `\npull request: ${result.pullRequest.url}` : ''}\n`);
      return EXIT.ok;
    }
    case 'decommission': {
      if (args.length !== 1) throw new UsageError('decommission takes exactly one <cluster>/<namespace>/<name>');
      if (!values.repo) throw new UsageError('decommission needs --repo <state-store URL or path>');
      const { directory, result, publisher, text } = await decommissionCommand(args[0], values.platform, publishOptions(values.repo), io.env);
      io.stderr(text.body);
      io.stdout(`${result.changed ? 'retirement proposed' : 'already proposed'}: ${directory} on branch ${result.branch} of ${publisher.description}${result.pullRequest ? `\npull request: ${result.pullRequest.url}` : ''}\n`);
      return EXIT.ok;
    }
    case 'fleet': {
      const [subcommand, root, ...rest] = args;
      if (!subcommand || !root || rest.length > 0) throw new UsageError('fleet takes plan or publish and one state directory');
      const threads = values.threads === undefined ? undefined : Number(values.threads);
      if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new UsageError(`--threads ${values.threads}: must be a whole number from 1 to 64`);
      const options = values.repo ? publishOptions(values.repo) : undefined;
      return fleetCommand(subcommand, {
        root,
        platformFlag: values.platform,
        sets: values.set ?? [],
        filter: { cluster: values.cluster, namespace: values.namespace },
        threads,
        publish: options && { ...options, publisher: publisherFor(options, io.env), skipInvalid: values['skip-invalid'] ?? false },
      }, io);
    }
    case 'wiring': {
      if (values['drill-policy']) {
        if (values.flux || values.argo) throw new UsageError('wiring --drill-policy prints the policy alone; print the Kustomization or ApplicationSet with another wiring command');
        io.stdout(toYamlStream(drillPolicy(await flagPlatform())));
        return EXIT.ok;
      }
      if (!values.cluster) throw new UsageError('wiring needs --cluster <name>');
      if (values.flux === values.argo) throw new UsageError('wiring needs exactly one of --flux or --argo');
      if (!values['repo-url']) throw new UsageError(`wiring ${values.flux ? '--flux' : '--argo'} needs --repo-url <state-store git URL>`);
      assertWiringOptions({ cluster: values.cluster, secretName: values.secret });
      io.stdout(values.flux
        ? toYamlStream(fluxWiring({ cluster: values.cluster, repoUrl: values['repo-url'], branch: values.branch, secretName: values.secret, namespace: (await flagPlatform()).flux.namespace }))
        : toYaml(argoWiring({ cluster: values.cluster, repoUrl: values['repo-url'] })));
      return EXIT.ok;
    }
    case 'ci': {
      if ([values.github, values.shell, values.codeowners].filter(Boolean).length !== 1) {
        throw new UsageError(`ci needs exactly one of --github (write it to ${WORKFLOW_PATH}), --shell (write it to ${VERIFY_SCRIPT_PATH}) or --codeowners (write it to ${CODEOWNERS_PATH})`);
      }
      if (values.codeowners) {
        if (args.length > 1) throw new UsageError('ci --codeowners takes at most one state directory');
        io.stdout(codeowners(args[0] ? await localStorePlatform(args[0], values.platform) : await flagPlatform()));
        return EXIT.ok;
      }
      io.stdout(values.github ? toYaml(githubWorkflow()) : verifyScript());
      return EXIT.ok;
    }
    case 'kratix': {
      const message = await runKratix(io.env, {
        input: values.input ?? KRATIX_DEFAULT_PATHS.input,
        output: values.output ?? KRATIX_DEFAULT_PATHS.output,
        metadata: values.metadata ?? KRATIX_DEFAULT_PATHS.metadata,
      }, await flagPlatform());
      io.stderr(`${message}\n`);
      return EXIT.ok;
    }
    case 'promise': {
      // --image is resolved to a digest; without it, the placeholder the committed promise.yaml names.
      io.stdout(toYaml(kratixPromise(values.image ? await pinImage(values.image, io.env) : DEFAULT_PIPELINE_IMAGE)));
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

function printWarnings(io: Io, warnings: string[]): void {
  for (const warning of warnings) io.stderr(`postgres-gitops: warning: ${warning}\n`);
}

/** Runs the CLI; errors become messages on stderr and an exit code, never a stack trace for user errors. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof RequestValidationError || error instanceof UsageError || error instanceof ChangeRefusedError || error instanceof ChangedMeanwhileError) {
      io.stderr(`postgres-gitops: ${error.message}\n`);
      return EXIT.invalidInput;
    }
    if (String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`postgres-gitops: ${(error as Error).message}\n${USAGE}\n`);
      return EXIT.invalidInput;
    }
    io.stderr(`postgres-gitops: internal error: ${(error as Error).message}\n`);
    return EXIT.internal;
  }
}
