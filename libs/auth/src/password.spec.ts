import { hashPassword, passwordHashProblem, verifyPassword } from './password';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse', cheap);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    await expect(verifyPassword('correct horse', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horsf', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', cheap), hashPassword('same', cheap)]);
    expect(a).not.toBe(b);
  });

  it('uses the default cost when none is given', async () => {
    const hash = await hashPassword('x');
    expect(hash.split('$').slice(1, 4)).toEqual(['32768', '8', '1']);
    await expect(verifyPassword('x', hash)).resolves.toBe(true);
  });

  it('never matches a malformed hash and says why it is malformed', async () => {
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
    expect(passwordHashProblem('plain-text')).toMatch(/scrypt\$N\$r\$p/);
    expect(
      passwordHashProblem(
        'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      ),
    ).toMatch(/power of two/);
    expect(
      passwordHashProblem(`scrypt$${2 ** 24}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==`),
    ).toMatch(/power of two up to/);
  });
});
