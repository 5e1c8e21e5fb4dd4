#!/usr/bin/env node
// Entry of `npm start`, `npm test`, `npm run sim` and `npm run jt808`: node scripts/run.js <command> [args].
//
// Plain Node with no dependencies, because it runs before `npm install`: it makes a fresh Debian machine
// with only Node.js 20 able to run the project. It installs the npm packages when node_modules is missing
// or stale, installs Debian's mosquitto, redis-server, influxdb (and chromium for the browser tests) when
// missing, without letting their system services start, builds dist/ (the dashboard included), then runs
// the command.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
// fonts-noto-cjk: legible Chinese in the browser tests' screenshots (the tests themselves need no font).
const APT_PACKAGES = [
  'mosquitto',
  'mosquitto-clients',
  'redis-server',
  'influxdb',
  'chromium',
  'fonts-noto-cjk',
];
const SERVICE_BINARIES = {
  mosquitto: ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'],
  mosquitto_passwd: ['/usr/bin/mosquitto_passwd'],
  'redis-server': ['/usr/bin/redis-server'],
  influxd: ['/usr/bin/influxd'],
};
const CHROMIUM = '/usr/bin/chromium';
const POLICY_RC_D = '/usr/sbin/policy-rc.d';
const USAGE =
  'usage: node scripts/run.js <start|test|sim|bench|jt808|backup|restore> [args]   (npm start, npm test, npm run sim -- --help, npm run bench -- --quick, npm run jt808 -- decode <hex>, npm run backup -- <folder>, npm run restore -- <folder> [--force])';

class StepError extends Error {}

/** Progress goes to stderr, so that `npm run sim -- list > devices.txt` gets the command's output alone. */
function log(line) {
  console.error(`[run] ${line}`);
}

function fail(message) {
  throw new StepError(message);
}

/** Runs a command in the foreground with inherited output; returns its exit code. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) fail(`cannot run ${command}: ${result.error.message}`);
  if (result.signal) return 128 + (os.constants.signals[result.signal] || 0);
  return result.status;
}

function runOrFail(what, command, args, options) {
  const started = Date.now();
  log(`${what}: ${[command, ...args].join(' ')}`);
  const code = run(command, args, options);
  if (code !== 0) fail(`${what} failed (${command} ${args.join(' ')} exited with code ${code})`);
  log(`${what}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 11)) {
    fail(`Node.js ${process.versions.node} is too old: the project needs Node.js 20.11 or later`);
  }
}

// ---- npm packages --------------------------------------------------------------------------------------

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Why node_modules needs `npm ci`, or null. Stale means older than package-lock.json and not matching it:
 * a lockfile only touched (git checkout) with the same versions does not cost a reinstall.
 */
function nodeModulesProblem() {
  const lockFile = path.join(ROOT, 'package-lock.json');
  const hiddenLock = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(path.join(ROOT, 'node_modules'))) return 'node_modules is missing';
  if (!fs.existsSync(hiddenLock)) return 'node_modules was not installed by npm from the lockfile';
  if (fs.statSync(hiddenLock).mtimeMs >= fs.statSync(lockFile).mtimeMs) return null;
  const wanted = (readJson(lockFile) || {}).packages || {};
  const installed = (readJson(hiddenLock) || {}).packages || {};
  for (const [name, meta] of Object.entries(wanted)) {
    if (name === '' || meta.optional || meta.link) continue;
    const have = installed[name];
    if (!have || have.version !== meta.version) {
      return `node_modules is older than package-lock.json (${name.replace(/^node_modules\//, '')} ${meta.version} wanted)`;
    }
  }
  return null;
}

function ensureNodeModules() {
  const problem = nodeModulesProblem();
  if (!problem) return;
  log(`${problem}: installing the npm packages`);
  runOrFail('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
}

// ---- Debian packages -----------------------------------------------------------------------------------

function onPath(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function missingBinaries(needChromium) {
  const missing = Object.entries(SERVICE_BINARIES)
    .filter(([name, paths]) => !paths.some((p) => fs.existsSync(p)) && !onPath(name))
    .map(([name]) => name);
  if (needChromium && !fs.existsSync(CHROMIUM)) missing.push('chromium');
  return missing;
}

/** Root runs apt-get directly; anyone else through sudo; with neither, say what to run. */
function needsSudo(missing) {
  if (typeof process.getuid === 'function' && process.getuid() === 0) return false;
  if (onPath('sudo')) return true;
  fail(
    `missing ${missing.join(', ')}, and installing them needs root: run as root, install sudo, or run\n` +
      `  apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`,
  );
}

function ensureDebianPackages(needChromium) {
  const missing = missingBinaries(needChromium);
  if (missing.length === 0) return;
  if (!onPath('apt-get')) {
    fail(
      `missing ${missing.join(', ')} and this is not a Debian-like system: install ${APT_PACKAGES.join(', ')} yourself`,
    );
  }
  const sudo = needsSudo(missing);
  const as = (what, command, args, env = {}) => {
    if (!sudo) return runOrFail(what, command, args, { env: { ...process.env, ...env } });
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    return runOrFail(what, 'sudo', ['env', ...assignments, command, ...args]);
  };
  log(`missing ${missing.join(', ')}: installing Debian's ${APT_PACKAGES.join(' ')}`);
  // Debian starts a package's service when it is installed. The platform runs its own instances on ports
  // of its choosing, so keep the system ones from starting (invoke-rc.d honours policy-rc.d; exit 101 =
  // action forbidden). Where a policy already exists (containers), it is left as it is.
  const ownPolicy = !fs.existsSync(POLICY_RC_D);
  if (ownPolicy) {
    as('keep system services from starting', 'sh', [
      '-c',
      `printf '#!/bin/sh\\nexit 101\\n' > ${POLICY_RC_D} && chmod 755 ${POLICY_RC_D}`,
    ]);
  }
  try {
    as('apt-get update', 'apt-get', ['update']);
    as('apt-get install', 'apt-get', ['install', '-y', ...APT_PACKAGES], {
      DEBIAN_FRONTEND: 'noninteractive',
    });
  } finally {
    if (ownPolicy) as('remove the temporary policy-rc.d', 'rm', ['-f', POLICY_RC_D]);
  }
  const still = missingBinaries(needChromium);
  if (still.length > 0) fail(`still missing after apt-get install: ${still.join(', ')}`);
}

// ---- commands ------------------------------------------------------------------------------------------

/**
 * Runs a long-lived child in its own process group and forwards signals to it, so that a Ctrl-C reaches it
 * once (npm and the terminal would otherwise both deliver it, and to every process of the group at once,
 * services included). Resolves with its exit code.
 */
function exec(entry, args) {
  const file = path.join(ROOT, entry);
  if (!fs.existsSync(file)) fail(`${entry} was not built (npm run build)`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: 'inherit', cwd: ROOT, detached: true });
    let lastForward = 0;
    const forward = (signal) => {
      const now = Date.now();
      if (now - lastForward < 1000) return; // the same Ctrl-C from npm and the terminal
      lastForward = now;
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
    child.on('error', (err) => {
      console.error(`[run] cannot start ${entry}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      resolve(code !== null ? code : 128 + (os.constants.signals[signal] || 0));
    });
  });
}

/** Runs one jest project, recording its counts; returns whether it passed. */
function jest(project, extraArgs, totals) {
  const results = path.join(ROOT, '.run', `jest-${project}.json`);
  fs.mkdirSync(path.dirname(results), { recursive: true });
  fs.rmSync(results, { force: true });
  const args = [
    path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--selectProjects',
    project,
    '--passWithNoTests',
    '--json',
    `--outputFile=${results}`,
    ...extraArgs,
  ];
  const started = Date.now();
  log(`${project} tests: jest --selectProjects ${project} ${extraArgs.join(' ')}`);
  const code = run(process.execPath, args);
  const r = readJson(results);
  const counts = r
    ? {
        passed: r.numPassedTests,
        failed: r.numFailedTests,
        skipped: r.numPendingTests + (r.numTodoTests || 0),
      }
    : { passed: 0, failed: 0, skipped: 0 };
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(
    `${project} tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${seconds} s`,
  );
  if (r && r.numTotalTests === 0) log(`${project} tests: none found`);
  return code === 0;
}

function test() {
  const started = Date.now();
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const steps = [
    ['typecheck', () => runOrFail('typecheck', 'npm', ['run', '--silent', 'typecheck'])],
    ['lint', () => runOrFail('lint', 'npm', ['run', '--silent', 'lint'])],
    ['import cycles', () => runOrFail('import cycles', 'npm', ['run', '--silent', 'cycles'])],
    ['unit tests', () => jest('unit', [], totals) || fail('unit tests failed')],
    [
      'integration tests',
      () => jest('integration', ['--runInBand'], totals) || fail('integration tests failed'),
    ],
    ['e2e tests', () => jest('e2e', ['--runInBand'], totals) || fail('e2e tests failed')],
    ['browser tests', () => jest('browser', ['--runInBand'], totals) || fail('browser tests failed')],
    // The fault suite (also `npm run test:faults`): every fault under load, stored set = acknowledged set.
    ['fault suite', () => jest('faults', ['--runInBand'], totals) || fail('fault suite failed')],
  ];
  for (const [name, step] of steps) {
    try {
      step();
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      console.error(`\n[run] FAILED at ${name}: ${err.message}`);
      if (totals.passed + totals.failed > 0) {
        console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
      }
      return 1;
    }
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  log(
    `all steps passed in ${minutes} min (typecheck, lint, cycles, unit, integration, e2e, browser, faults)`,
  );
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return 0;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  // `node scripts/run.js start -- --no-sim` as well as npm's `npm start -- --no-sim`.
  const args = rest[0] === '--' ? rest.slice(1) : rest;
  if (!['start', 'test', 'sim', 'bench', 'jt808', 'backup', 'restore'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  checkNode();
  ensureNodeModules();
  if (!['sim', 'jt808', 'backup', 'restore'].includes(command)) ensureDebianPackages(command === 'test');
  runOrFail('build', 'npm', ['run', '--silent', 'build']);
  switch (command) {
    case 'test':
      return test();
    case 'start':
      return exec('dist/scripts/stack.js', args);
    case 'sim':
      return exec('dist/simulators/src/cli.js', args);
    case 'bench':
      return exec('dist/scripts/bench.js', args);
    case 'jt808':
      return exec('dist/scripts/jt808.js', args);
    case 'backup':
    case 'restore':
      return exec('dist/scripts/backup.js', [command, ...args]);
  }
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof StepError) console.error(`[run] ${err.message}`);
    else console.error('[run] failed:', err);
    process.exitCode = 1;
  },
);
