import { manualControl } from './_manual.ts';

export default manualControl({
  id: 'kubelet-tls-cert',
  title: 'Kubelets serve HTTPS with a certificate the API server can verify',
  area: 'nodes',
  severity: 'medium',
  cis: ['4.2.9'],
  description: 'CIS 4.2.9 (Manual) asks that each kubelet serves its API with a real certificate (tlsCertFile/tlsPrivateKeyFile, or certificates rotated through the CSR API) rather than a self-signed one made at start.',
  rationale: 'With a self-signed serving certificate the API server cannot authenticate the kubelet it connects to, so exec, logs and port-forward traffic can be intercepted.',
  remediation: 'Give each kubelet a serving certificate signed by a CA the API server trusts (serverTLSBootstrap: true with CSR approval, or tlsCertFile/tlsPrivateKeyFile), and set the API server\'s --kubelet-certificate-authority.',
  manual:
    'The certificate files live on each node; /configz shows their paths, not who signed them. apiserver-kubelet-ca checks that the API server verifies kubelets at all; the certificates themselves are checked on the nodes.',
});
