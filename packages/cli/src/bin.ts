import { main } from "./main.js";
import { unsupportedNode } from "./nodeVersion.js";

const unsupported = unsupportedNode(process.version);
if (unsupported !== undefined) {
  process.stderr.write(`${unsupported}\n`);
  process.exitCode = 1;
} else {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`s3-migrate: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
