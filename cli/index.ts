/** The bin: `cdk-apprunner-scheduler`, run with the process's own environment and streams. */
import { main } from './main';

void main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
