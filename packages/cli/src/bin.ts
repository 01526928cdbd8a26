import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`s3-migrate: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
