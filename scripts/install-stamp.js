/*
 * What the installed node_modules was installed from: a hash of the root
 * lockfile and every workspace's package.json. postinstall.js writes it after
 * each install (npm ci or npm install); ensure-installed.js compares it, so
 * a checkout that only touched files' times (git pull, a branch switch) does
 * not cost a re-install, and a changed manifest always does.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stampFile = path.join(root, 'node_modules', '.multivac-install-stamp');

function manifests() {
  const files = ['package.json', 'package-lock.json'];
  for (const dir of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(root, dir)).sort()) {
      const file = path.join(dir, name, 'package.json');
      if (fs.existsSync(path.join(root, file))) files.push(file);
    }
  }
  return files;
}

function currentStamp() {
  const hash = crypto.createHash('sha256');
  for (const file of manifests()) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest('hex');
}

function installedStamp() {
  return fs.existsSync(stampFile)
    ? fs.readFileSync(stampFile, 'utf8').trim()
    : undefined;
}

function writeStamp() {
  fs.writeFileSync(stampFile, `${currentStamp()}\n`);
}

module.exports = { currentStamp, installedStamp, writeStamp };
