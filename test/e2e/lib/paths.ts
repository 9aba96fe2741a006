// Where the e2e run finds the repository, its cache (filled by setup.sh) and its artifacts.
import path from 'node:path';

export const E2E_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const CACHE_DIR = process.env.E2E_CACHE_DIR ?? path.join(REPO_ROOT, '.cache', 'e2e');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');
