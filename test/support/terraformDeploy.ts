/**
 * Deploys terraform/ for real onto a local endpoint (moto) from a throwaway working directory,
 * and turns what got deployed back into what a Lambda runtime would hand the functions' code.
 * Everything test-only (provider endpoint overrides, the moto override file) is generated here,
 * under .tmp/, and never touches the modules.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { S3Side } from "./endpoints.js";

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const terraformRoot = path.join(repoRoot, "terraform");
const mirror = process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";

/**
 * Longest each command may run. Then it gets SIGINT, on which terraform stops gracefully and
 * saves its state, so that a hang (a provider waiting for something moto never shows) fails
 * inside the test's hook timeout and can still be destroyed.
 */
const TIMEOUT_MS = { init: 60_000, apply: 240_000, output: 30_000, show: 30_000, destroy: 150_000 } as const;

/** Services the root module (and its data sources) calls, all pointed at the one endpoint. */
const PROVIDER_SERVICES = ["cloudwatch", "dynamodb", "ec2", "events", "iam", "kms", "lambda", "logs", "s3", "sns", "sqs", "ssm", "sts"];

/**
 * Test-only overrides that make a module applicable on moto, by module directory. Each is a
 * Terraform `*_override.tf` file that says why it exists.
 */
const MOTO_OVERRIDES: Readonly<Record<string, string>> = {
  "modules/queue": path.join(repoRoot, "test/integration/terraform/fixtures/queue_moto_override.tf"),
};

/** Paths of the function bundles the root module hashes. */
export interface FunctionBundles {
  readonly worker: string;
  readonly jobsender: string;
}

/**
 * Builds the worker and jobsender zips with `scripts/bundle.mjs` unless they already exist.
 *
 * @example const bundles = await ensureFunctionBundles();
 */
export async function ensureFunctionBundles(): Promise<FunctionBundles> {
  const bundles = {
    worker: path.join(repoRoot, "functions/worker/dist/worker.zip"),
    jobsender: path.join(repoRoot, "functions/jobsender/dist/jobsender.zip"),
  };
  for (const [name, zip] of Object.entries(bundles)) {
    if (!existsSync(zip)) await run(process.execPath, [path.join(repoRoot, "scripts/bundle.mjs"), name], { cwd: repoRoot });
  }
  return bundles;
}

/** What to deploy, and where. */
export interface WorkspaceOptions {
  /** Names the working directory `.tmp/<name>`. */
  readonly name: string;
  /** The endpoint every AWS service of the provider goes to, and the region it claims. */
  readonly endpoint: S3Side;
  /** Inputs of the root module, as JSON values. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** Outputs of the root module, read with checks on their types. */
export interface ModuleOutputs {
  string(name: string): string;
  strings(name: string): string[];
  record(name: string): Record<string, string>;
}

/** One resource instance of the applied state, with its attributes as the provider read them back. */
export interface DeployedResource {
  /** Full address, e.g. `module.s3_migrate.module.queue.aws_sqs_queue_policy.this[0]`. */
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** A working directory holding a copy of terraform/ and a root configuration calling it. */
export interface TerraformWorkspace {
  readonly dir: string;
  /** `terraform init` (offline, from the provider mirror), then `terraform apply`. */
  apply(): Promise<void>;
  /** Calls the module with `inputs` from now on: the next `apply` changes the deployment in place. */
  reconfigure(inputs: Readonly<Record<string, unknown>>): void;
  /** The root module's outputs, from `terraform output -json`. */
  outputs(): Promise<ModuleOutputs>;
  /** Every resource instance of the state, from `terraform show -json`. */
  resources(): Promise<DeployedResource[]>;
  /** `terraform destroy`, when anything was applied. */
  destroy(): Promise<void>;
  /** Deletes the working directory. */
  remove(): void;
}

/**
 * Writes `.tmp/<name>/`: a copy of terraform/ (without its tests and examples, plus the moto overrides),
 * a `main.tf.json` calling it with `inputs` and a provider whose every endpoint is `endpoint`,
 * and the CLI configuration that installs the provider from the filesystem mirror.
 *
 * @example
 * const workspace = createTerraformWorkspace({ name: 'tf-e2e-42', endpoint: source, inputs: { bucket_pairs: [...] } });
 * await workspace.apply();
 */
export function createTerraformWorkspace(options: WorkspaceOptions): TerraformWorkspace {
  const dir = path.join(repoRoot, ".tmp", options.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyModule(path.join(dir, "terraform"));
  writeFileSync(path.join(dir, "terraformrc"), cliConfiguration());
  const configure = (inputs: Readonly<Record<string, unknown>>) =>
    writeFileSync(path.join(dir, "main.tf.json"), `${JSON.stringify(rootConfiguration({ ...options, inputs }), null, 2)}\n`);
  configure(options.inputs);
  return {
    dir,
    reconfigure: configure,
    apply: async () => {
      await runTerraform(dir, "init", ["-input=false"]);
      await runTerraform(dir, "apply", ["-auto-approve", "-input=false"]);
    },
    outputs: async () => {
      const raw = JSON.parse(await runTerraform(dir, "output", ["-json"])) as Record<string, { value: unknown }>;
      return moduleOutputs(raw.s3_migrate?.value);
    },
    resources: async () => {
      const shown = JSON.parse(await runTerraform(dir, "show", ["-json"])) as { values?: { root_module?: StateModule } };
      return stateResources(shown.values?.root_module);
    },
    destroy: async () => {
      if (existsSync(path.join(dir, "terraform.tfstate"))) await runTerraform(dir, "destroy", ["-auto-approve", "-input=false"]);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The environment a Lambda runtime gives the function's code: the variables it was deployed
 * with, plus what Lambda itself adds (region, role credentials, name, memory). Only the
 * `AWS_ENDPOINT_URL_*` overrides, which send the own-account clients to `endpoint`, are test-only.
 *
 * @example const env = lambdaRuntimeEnvironment(await lambda.send(new GetFunctionConfigurationCommand({ FunctionName })), source);
 */
export function lambdaRuntimeEnvironment(configuration: FunctionConfiguration, endpoint: S3Side): Record<string, string> {
  const region = configuration.FunctionArn?.split(":")[3];
  if (region === undefined || configuration.FunctionName === undefined) {
    throw new Error(`GetFunctionConfiguration answered without a function ARN or name: ${JSON.stringify(configuration)}`);
  }
  return {
    ...configuration.Environment?.Variables,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    AWS_LAMBDA_FUNCTION_NAME: configuration.FunctionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(configuration.MemorySize ?? 128),
    AWS_ENDPOINT_URL_S3: endpoint.endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint.endpoint,
    AWS_ENDPOINT_URL_SSM: endpoint.endpoint,
    AWS_ENDPOINT_URL_KMS: endpoint.endpoint,
  };
}

function copyModule(target: string): void {
  // Everything a module reads (templates too), but no working state of a local `terraform init`.
  const skipped = new Set([".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup", "tests", "examples"]);
  cpSync(terraformRoot, target, { recursive: true, filter: (source) => !skipped.has(path.basename(source)) });
  for (const [moduleDir, override] of Object.entries(MOTO_OVERRIDES)) {
    cpSync(override, path.join(target, moduleDir, path.basename(override)));
  }
}

function cliConfiguration(): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/hashicorp/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

function rootConfiguration(options: WorkspaceOptions): Record<string, unknown> {
  return {
    provider: {
      aws: {
        region: options.endpoint.region,
        access_key: "testing",
        secret_key: "testing",
        s3_use_path_style: true,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        endpoints: Object.fromEntries(PROVIDER_SERVICES.map((service) => [service, options.endpoint.endpoint])),
      },
    },
    module: { s3_migrate: { source: "./terraform", ...options.inputs } },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JavaScript one
    output: { s3_migrate: { value: "${module.s3_migrate}" } },
  };
}

/** Runs one terraform command in `dir`; on failure the error carries the end of its output. */
async function runTerraform(dir: string, command: keyof typeof TIMEOUT_MS, flags: string[]): Promise<string> {
  const started = Date.now();
  const timeout = TIMEOUT_MS[command];
  try {
    const { stdout } = await run("terraform", [command, ...flags, "-no-color"], {
      cwd: dir,
      env: terraformEnvironment(dir),
      maxBuffer: 64 * 1024 * 1024,
      timeout,
      killSignal: "SIGINT",
    });
    if (command !== "output" && command !== "show") console.log(`terraform ${command}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "", killed = false } = error as { stdout?: string; stderr?: string; killed?: boolean };
    const why = killed ? `was interrupted after ${timeout / 1000} s` : "failed";
    const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(`terraform ${command} ${why} in ${dir}:\n${tail}`, { cause: error });
  }
}

/** The caller's environment without AWS_* (the provider gets everything from its block). */
function terraformEnvironment(dir: string): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_"));
  return {
    ...Object.fromEntries(inherited),
    TF_CLI_CONFIG_FILE: path.join(dir, "terraformrc"),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
  };
}

interface StateModule {
  readonly resources?: DeployedResource[];
  readonly child_modules?: StateModule[];
}

function stateResources(module: StateModule | undefined): DeployedResource[] {
  if (module === undefined) return [];
  return [
    ...(module.resources ?? []).map(({ address, type, values }) => ({ address, type, values })),
    ...(module.child_modules ?? []).flatMap(stateResources),
  ];
}

function moduleOutputs(value: unknown): ModuleOutputs {
  if (typeof value !== "object" || value === null) throw new Error(`Expected the s3_migrate output to be an object, got ${String(value)}`);
  const outputs = value as Record<string, unknown>;
  const fail = (name: string, expected: string): never => {
    throw new Error(`Expected output ${name} to be ${expected}, got ${JSON.stringify(outputs[name])}`);
  };
  return {
    string: (name) => {
      const output = outputs[name];
      return typeof output === "string" ? output : fail(name, "a string");
    },
    strings: (name) => {
      const output = outputs[name];
      return Array.isArray(output) && output.every((item) => typeof item === "string") ? output : fail(name, "a list of strings");
    },
    record: (name) => {
      const output = outputs[name];
      const isRecord = typeof output === "object" && output !== null && Object.values(output).every((item) => typeof item === "string");
      return isRecord ? (output as Record<string, string>) : fail(name, "a map of strings");
    },
  };
}
