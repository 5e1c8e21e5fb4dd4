import { hashPassword } from './password';
import { demoCredentialProblems, demoUsers, parseUsers, UserDirectory } from './users';

const companies = ['C01', 'C02'];
const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('users', () => {
  it('seeds two operators and one user per company in demo mode, password = name', async () => {
    const users = await demoUsers(companies);
    expect(users.map((u) => [u.username, u.role, u.company])).toEqual([
      ['operator', 'operator', undefined],
      ['chief', 'operator', undefined],
      ['c01', 'company', 'C01'],
      ['c02', 'company', 'C02'],
    ]);
    const directory = new UserDirectory(users);
    await expect(directory.authenticate('operator', 'operator')).resolves.toEqual({
      username: 'operator',
      role: 'operator',
    });
    await expect(directory.authenticate('C01', 'c01')).resolves.toEqual({
      username: 'c01',
      role: 'company',
      company: 'C01',
    });
    await expect(directory.authenticate('c01', 'C01')).resolves.toBeNull();
    await expect(directory.authenticate('nobody', 'nobody')).resolves.toBeNull();
  });

  it('validates a users file and names the problem', async () => {
    const passwordHash = await hashPassword('s3cret-long-enough', cheap);
    expect(
      parseUsers([{ username: 'duty', role: 'operator', passwordHash }], new Set(companies)),
    ).toHaveLength(1);
    expect(() => parseUsers([{ username: 'x', role: 'company', passwordHash }], new Set(companies))).toThrow(
      /company: a company user needs its company/,
    );
    expect(() =>
      parseUsers([{ username: 'x', role: 'company', company: 'C99', passwordHash }], new Set(companies)),
    ).toThrow(/C99 is not in the registry/);
    expect(() => parseUsers([{ username: 'x', role: 'operator', passwordHash: 'plain' }], new Set())).toThrow(
      /passwordHash/,
    );
    expect(() =>
      parseUsers(
        [
          { username: 'a', role: 'operator', passwordHash },
          { username: 'A', role: 'operator', passwordHash },
        ],
        new Set(),
      ),
    ).toThrow(/listed twice/);
    expect(() => parseUsers([], new Set())).toThrow(/at least one user/);
  });

  it('finds demo credentials and name-as-password accounts for production to refuse', async () => {
    const users = [
      {
        username: 'operator',
        role: 'operator' as const,
        passwordHash: await hashPassword('operator', cheap),
      },
      { username: 'duty', role: 'operator' as const, passwordHash: await hashPassword('duty', cheap) },
      {
        username: 'c01',
        role: 'company' as const,
        company: 'C01',
        passwordHash: await hashPassword('x9!long', cheap),
      },
    ];
    const problems = await demoCredentialProblems(users, companies);
    expect(problems).toEqual([
      'user operator is a demo account with its demo password',
      'user duty has its own name as password',
    ]);
  });
});
