import { afterAll, describe, expect, it } from '@jest/globals';
import { createRepo, git, removeTempDirs, withoutIdentity } from './__fixtures__/temp-repo.js';
import { FALLBACK_IDENTITY, identityArgs } from './identity.js';

afterAll(removeTempDirs);

const FALLBACK = ['-c', `user.name=${FALLBACK_IDENTITY.name}`, '-c', `user.email=${FALLBACK_IDENTITY.email}`];

describe('identityArgs', () => {
  it('adds nothing when git has a name and an email configured', async () => {
    expect(await identityArgs(await createRepo())).toEqual([]);
  });

  it('uses the fallback identity when git has neither', async () => {
    const repo = await createRepo();
    expect(await identityArgs(repo, { env: await withoutIdentity(repo) })).toEqual(FALLBACK);
  });

  it('uses the whole fallback identity when git has only a name, never mixing the two', async () => {
    const repo = await createRepo();
    const env = await withoutIdentity(repo);
    await git(repo, 'config', 'user.name', 'Half Configured');
    expect(await identityArgs(repo, { env })).toEqual(FALLBACK);
  });
});
