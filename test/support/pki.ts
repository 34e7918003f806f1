import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Certificates made with openssl the way the parties that make them in a cluster do, so real
 * PostgreSQL can be shown what it would trust:
 * - cert-manager's CA issuer (cert-manager v1.21.1, pkg/controller/certificaterequests/ca/ca.go
 *   with pkg/util/pki/parse_certificate_chain.go ParseSingleCertificateChain): the Secret's
 *   tls.crt is the leaf and the issuer's chain up to, not including, a self-signed root; ca.crt is
 *   the root-most certificate of that chain, the root itself when the chain has one;
 * - CloudNativePG's own CA (v1.30.0 pkg/certs/certs.go CreateRootCA, CreateAndSignPair): a
 *   self-signed ECDSA P-256 CA per Cluster, in a Secret with ca.crt and ca.key.
 */
export interface KeyPair {
  /** PEM certificate, or chain (leaf first). */
  cert: string;
  key: string;
}

/** A CA a cert-manager issuer signs with: its Secret's tls.crt chain, tls.key, and the root-most certificate (ca.crt). */
export interface Issuer {
  name: string;
  chain: string;
  key: string;
  root: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export class Pki {
  private serial = 0;
  constructor(private readonly dir: string) {}

  private path(name: string): string {
    return join(this.dir, `${name}-${++this.serial}`);
  }

  private openssl(...args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** A self-signed CA: the platform's root, or CloudNativePG's CreateRootCA. */
  selfSignedCa(commonName: string): KeyPair {
    const base = this.path('ca');
    writeFileSync(`${base}.ext`, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n');
    this.openssl('req', '-x509', ...EC, '-days', '2', '-subj', `/CN=${commonName}`, '-keyout', `${base}.key`, '-out', `${base}.crt`, '-extensions', 'v3', '-config', this.config(`${base}.ext`));
    return { cert: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
  }

  /** A certificate signed by `signer` (leaf of a chain): a CA when `ca`, else a client or server certificate. */
  sign(signer: KeyPair, commonName: string, usage: { ca?: boolean; client?: boolean; dnsNames?: string[] }): KeyPair {
    const base = this.path('leaf');
    const signerCert = signer.cert.split(/(?<=-----END CERTIFICATE-----\n?)/)[0];
    writeFileSync(`${base}.signer.crt`, signerCert);
    writeFileSync(`${base}.signer.key`, signer.key);
    const ext = usage.ca
      ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n'
      : `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${usage.client ? 'clientAuth' : 'serverAuth'}\n${usage.dnsNames ? `subjectAltName=${usage.dnsNames.map(n => `DNS:${n}`).join(',')}\n` : ''}`;
    writeFileSync(`${base}.ext`, ext);
    this.openssl('req', ...EC, '-subj', `/CN=${commonName}`, '-keyout', `${base}.key`, '-out', `${base}.csr`);
    this.openssl('x509', '-req', '-in', `${base}.csr`, '-CA', `${base}.signer.crt`, '-CAkey', `${base}.signer.key`, '-CAcreateserial', '-days', '2', '-extfile', `${base}.ext`, '-out', `${base}.crt`);
    return { cert: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
  }

  /** A ClusterIssuer of kind CA whose Secret holds an intermediate under the platform's root (tls.crt intermediate, ca.crt root). */
  platformIssuer(name: string): Issuer {
    const root = this.selfSignedCa(`${name} root`);
    const intermediate = this.sign(root, `${name} intermediate`, { ca: true });
    return { name, chain: intermediate.cert, key: intermediate.key, root: root.cert };
  }

  /** What cert-manager writes into a Certificate's Secret when `issuer` (a CA issuer) signs it. */
  issue(issuer: Issuer, commonName: string, usage: { ca?: boolean; client?: boolean; dnsNames?: string[] }): { 'tls.crt': string; 'tls.key': string; 'ca.crt': string } {
    const leaf = this.sign({ cert: issuer.chain, key: issuer.key }, commonName, usage);
    // ParseSingleCertificateChain: the chain stops below a self-signed root, which goes to ca.crt.
    return { 'tls.crt': leaf.cert + issuer.chain, 'tls.key': leaf.key, 'ca.crt': issuer.root };
  }

  /** A Secret issued as a CA becomes a CA issuer of its own (cert-manager Issuer spec.ca.secretName). */
  issuerFrom(name: string, secret: { 'tls.crt': string; 'tls.key': string; 'ca.crt': string }): Issuer {
    return { name, chain: secret['tls.crt'], key: secret['tls.key'], root: secret['ca.crt'] };
  }

  private config(extFile: string): string {
    const config = `${extFile}.cnf`;
    writeFileSync(config, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${readFileSync(extFile, 'utf8')}`);
    return config;
  }
}
