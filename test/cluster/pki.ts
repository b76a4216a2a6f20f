// Certificates for the local control plane, made with the machine's openssl.
// One CA signs the apiserver's serving cert and every client cert; a separate RSA key signs
// ServiceAccount tokens (the apiserver verifies with it, the controller-manager signs with it).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly saKey: string;
  readonly saPub: string;
  /** Client cert/key pairs by name (admin, controller-manager, scheduler, kwok, process-node). */
  readonly clients: Readonly<Record<string, { cert: string; key: string }>>;
}

const CLIENTS: Record<string, string> = {
  admin: '/O=system:masters/CN=kubechaos-admin',
  'controller-manager': '/CN=system:kube-controller-manager',
  scheduler: '/CN=system:kube-scheduler',
  // Bound to the system:node-proxier ClusterRole by the apiserver's default RBAC.
  'kube-proxy': '/CN=system:kube-proxy',
  // kwok and the process node act as kubelets for their nodes; system:masters keeps them simple.
  kwok: '/O=system:masters/CN=kwok',
  'process-node': '/O=system:masters/CN=kubechaos-process-node',
};

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()} (is Debian's openssl installed?)`, { cause: error });
  }
}

/** Creates a fresh PKI in `dir` (which must exist). Takes ~0.5 s: EC keys keep it fast. */
export function createPki(dir: string): Pki {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=kubechaos-test-ca'], dir);

  const sans = [
    'IP:127.0.0.1', 'IP:10.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local',
  ].join(',');
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver', '-addext', `subjectAltName=${sans}`], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '30', '-copy_extensions', 'copy'], dir);

  const clients: Record<string, { cert: string; key: string }> = {};
  for (const [name, subject] of Object.entries(CLIENTS)) {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '30', '-extfile', 'client.ext'], dir);
    clients[name] = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  }

  openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
  openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);

  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
    clients,
  };
}

/** A kubeconfig file that authenticates with a client certificate (paths, not inline data). */
export function writeKubeconfig(path: string, opts: { server: string; caCert: string; cert: string; key: string; user: string }): string {
  const yaml = `apiVersion: v1
kind: Config
clusters:
- name: kubechaos-local
  cluster:
    server: ${opts.server}
    certificate-authority: ${opts.caCert}
users:
- name: ${opts.user}
  user:
    client-certificate: ${opts.cert}
    client-key: ${opts.key}
contexts:
- name: kubechaos-local
  context:
    cluster: kubechaos-local
    user: ${opts.user}
    namespace: default
current-context: kubechaos-local
`;
  writeFileSync(path, yaml, { mode: 0o600 });
  return path;
}
