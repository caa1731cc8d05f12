import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';

const repo = new URL('../..', import.meta.url).pathname;
const tmp = tempDir('k8s-audit-gitignore-');

describe('.gitignore', () => {
  it('ignores node_modules and test/cluster/bin also as symbolic links to a shared copy, as a clone is set up beside another', () => {
    // `ln -s <other clone>/node_modules node_modules`: a pattern with a trailing slash matches directories only, so the
    // link showed as untracked and `git add -A` committed it (ee90400 fixed the same for test/cluster/bin).
    const dir = join(tmp, 'clone');
    mkdirSync(join(dir, 'test', 'cluster'), { recursive: true });
    execFileSync('git', ['init', '-q', dir]);
    copyFileSync(join(repo, '.gitignore'), join(dir, '.gitignore'));
    symlinkSync(tmp, join(dir, 'node_modules'));
    symlinkSync(tmp, join(dir, 'test', 'cluster', 'bin'));
    // A node_modules directory anywhere stays ignored too.
    mkdirSync(join(dir, 'packages', 'x', 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'packages', 'x', 'node_modules', 'y.js'), '');
    const status = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' });
    expect(status.split('\n').filter(Boolean)).toEqual(['?? .gitignore']);
  });
});
