// The gateway as a separate process, started exactly as `dotnet Jnt.Consent.Server.dll` runs in
// production: waits for its own "gateway ready on" line, never for a fixed time.
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { clients } from './grpc.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export function serverAssembly() {
  const configuration = process.env.CONFIGURATION ?? 'Release';
  const dll = path.join(repoRoot, 'src/Jnt.Consent.Server/bin', configuration, 'net10.0/Jnt.Consent.Server.dll');
  if (!existsSync(dll)) throw new Error(`Build the server first: ${dll} is missing`);
  return dll;
}

export const newApiKey = () => `jnt_${randomBytes(6).toString('hex')}_${randomUUID().replaceAll('-', '')}`;

/**
 * Starts a gateway on free loopback ports (embedded profile unless JNT_WEB_TESTS_POSTGRES and
 * ConnectionStrings are given) and creates one API key per role through the admin key.
 */
export async function startGateway({ extraArgs = [], timeoutMs = 90_000 } = {}) {
  const dataDirectory = mkdtempSync(path.join(tmpdir(), 'jnt-web-tests-'));
  const adminKey = newApiKey();
  const args = [
    serverAssembly(),
    `--Auth:BootstrapAdminKey=${adminKey}`,
    '--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0',
    '--Kestrel:Endpoints:Grpc:Protocols=Http2',
    '--Kestrel:Endpoints:Web:Url=http://127.0.0.1:0',
    '--Kestrel:Endpoints:Web:Protocols=Http1',
    `--Gateway:DataDirectory=${dataDirectory}`,
    `--Gateway:SiloPort=${20000 + Math.floor(Math.random() * 20000)}`,
    '--Logging:LogLevel:Default=Information',
    '--Retention:Enabled=false',
    ...extraArgs,
  ];
  const child = spawn('dotnet', args, { cwd: dataDirectory, env: { ...process.env, DOTNET_ENVIRONMENT: 'Production' } });
  let output = '';
  const lineWatchers = new Set();
  const onData = (chunk) => {
    output += chunk.toString();
    for (const watch of lineWatchers) watch();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const waitForOutput = (pattern, ms = timeoutMs) => new Promise((resolve, reject) => {
    const check = () => {
      const match = output.match(pattern);
      if (match) {
        lineWatchers.delete(check);
        clearTimeout(timer);
        resolve(match);
      }
    };
    const timer = setTimeout(() => {
      lineWatchers.delete(check);
      reject(new Error(`No ${pattern} within ${ms} ms:\n${output}`));
    }, ms);
    lineWatchers.add(check);
    exited.then(({ code, signal }) => {
      lineWatchers.delete(check);
      clearTimeout(timer);
      reject(new Error(`The gateway exited (${code ?? signal}) before ${pattern}:\n${output}`));
    });
    check();
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dataDirectory, { recursive: true, force: true });
  };

  try {
    const ready = await waitForOutput(/gateway ready on (http:\/\/\S+), (http:\/\/\S+)/);
    // Kestrel binds in configuration order: Grpc, then Web.
    const grpcAddress = new URL(ready[1]).host;
    const webUrl = ready[2].replace(/\/$/, '');
    const admin = clients(grpcAddress, adminKey);
    const keys = {};
    for (const role of ['service', 'campaign', 'analyst']) {
      const created = await admin.access.call('CreateApiKey', { name: `web-test-${role}`, role });
      keys[role] = created.apiKey;
    }
    keys.admin = adminKey;
    return {
      webUrl,
      grpcAddress,
      keys,
      as: (role) => clients(grpcAddress, keys[role]),
      output: () => output,
      waitForOutput,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
