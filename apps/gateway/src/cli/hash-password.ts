import { hashPassword } from '@lg/auth';

/**
 * Prints the `passwordHash` of a USERS_FILE entry for the password read from standard input (one line),
 * so that the password never appears in the process list or the shell history:
 *
 *   printf '%s' 'the password' | node dist/apps/gateway/src/cli/hash-password.js
 */
async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password.length < 12) {
    process.stderr.write('refused: use a password of at least 12 characters\n');
    process.exit(1);
  }
  process.stdout.write((await hashPassword(password)) + '\n');
}

void main();
