// Command pki writes the certificates and keys of a k8s-audit test control plane.
//
// It reads a JSON spec on stdin and writes PEM files into --dir:
//
//	{
//	  "cas": [{"name": "ca", "commonName": "kubernetes"}, {"name": "front-proxy-ca", "commonName": "front-proxy-ca"}],
//	  "serviceAccountKey": "sa",            // writes sa.key (RSA, PKCS#1) and sa.pub
//	  "certs": [
//	    {"name": "apiserver", "commonName": "kube-apiserver", "server": true,
//	     "dnsNames": ["localhost"], "ipAddresses": ["127.0.0.1"]},
//	    {"name": "admin", "commonName": "k8s-audit-admin", "organizations": ["system:masters"], "client": true},
//	    {"name": "front-proxy-client", "commonName": "front-proxy-client", "client": true, "ca": "front-proxy-ca"}
//	  ]
//	}
//
// Output: <ca>.crt and <ca>.key for every CA, <name>.crt and <name>.key for every
// cert, signed by the CA it names (default: the first CA). Names may contain a
// slash to write into a subdirectory (e.g. "etcd/ca").
// Written in Go (not openssl) so the harness needs nothing beyond the Go toolchain
// it already uses to build the control plane.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type certSpec struct {
	Name          string   `json:"name"`
	CommonName    string   `json:"commonName"`
	Organizations []string `json:"organizations"`
	Server        bool     `json:"server"`
	Client        bool     `json:"client"`
	DNSNames      []string `json:"dnsNames"`
	IPAddresses   []string `json:"ipAddresses"`
	CA            string   `json:"ca"`
}

type caSpec struct {
	Name       string `json:"name"`
	CommonName string `json:"commonName"`
}

type spec struct {
	CAs               []caSpec   `json:"cas"`
	ServiceAccountKey string     `json:"serviceAccountKey"`
	ValidDays         int        `json:"validDays"`
	Certs             []certSpec `json:"certs"`
}

func main() {
	dir := flag.String("dir", "", "output directory (required)")
	flag.Parse()
	if *dir == "" {
		fail("--dir is required")
	}
	var s spec
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		fail("reading spec from stdin: %v", err)
	}
	if len(s.CAs) == 0 {
		s.CAs = []caSpec{{Name: "ca", CommonName: "kubernetes"}}
	}
	if s.ValidDays <= 0 {
		s.ValidDays = 365
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fail("%v", err)
	}

	// Backdate a little so a client whose clock is slightly behind still accepts the certs.
	notBefore := time.Now().Add(-time.Hour).UTC()
	notAfter := notBefore.Add(time.Duration(s.ValidDays) * 24 * time.Hour)

	type issuer struct {
		cert *x509.Certificate
		key  *ecdsa.PrivateKey
	}
	cas := map[string]issuer{}
	for _, ca := range s.CAs {
		if ca.Name == "" || ca.CommonName == "" {
			fail("every CA needs name and commonName")
		}
		caKey := newECKey()
		caTmpl := &x509.Certificate{
			SerialNumber:          serial(),
			Subject:               pkix.Name{CommonName: ca.CommonName},
			NotBefore:             notBefore,
			NotAfter:              notAfter,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
			IsCA:                  true,
		}
		caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
		if err != nil {
			fail("creating CA %s: %v", ca.Name, err)
		}
		caCert, err := x509.ParseCertificate(caDER)
		if err != nil {
			fail("parsing CA %s: %v", ca.Name, err)
		}
		writeCert(*dir, ca.Name, caDER)
		writeKey(*dir, ca.Name, caKey)
		cas[ca.Name] = issuer{caCert, caKey}
	}

	for _, c := range s.Certs {
		if c.Name == "" || c.CommonName == "" {
			fail("every cert needs name and commonName")
		}
		key := newECKey()
		tmpl := &x509.Certificate{
			SerialNumber: serial(),
			Subject:      pkix.Name{CommonName: c.CommonName, Organization: c.Organizations},
			NotBefore:    notBefore,
			NotAfter:     notAfter,
			KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			DNSNames:     c.DNSNames,
		}
		if c.Server {
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		}
		if c.Client {
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
		}
		for _, ip := range c.IPAddresses {
			parsed := net.ParseIP(ip)
			if parsed == nil {
				fail("cert %s: bad IP address %q", c.Name, ip)
			}
			tmpl.IPAddresses = append(tmpl.IPAddresses, parsed)
		}
		caName := c.CA
		if caName == "" {
			caName = s.CAs[0].Name
		}
		ca, ok := cas[caName]
		if !ok {
			fail("cert %s: unknown CA %q", c.Name, caName)
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
		if err != nil {
			fail("creating cert %s: %v", c.Name, err)
		}
		writeCert(*dir, c.Name, der)
		writeKey(*dir, c.Name, key)
	}

	if s.ServiceAccountKey != "" {
		// RSA like kubeadm's sa.key, so tokens are RS256 as on most real clusters.
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			fail("generating service-account key: %v", err)
		}
		writePEM(*dir, s.ServiceAccountKey+".key", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), 0o600)
		pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			fail("encoding service-account public key: %v", err)
		}
		writePEM(*dir, s.ServiceAccountKey+".pub", "PUBLIC KEY", pub, 0o644)
	}
}

func newECKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail("generating key: %v", err)
	}
	return k
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		fail("serial: %v", err)
	}
	return n
}

func writeCert(dir, name string, der []byte) {
	writePEM(dir, name+".crt", "CERTIFICATE", der, 0o644)
}

func writeKey(dir, name string, key crypto.Signer) {
	der, err := x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
	if err != nil {
		fail("encoding key %s: %v", name, err)
	}
	writePEM(dir, name+".key", "EC PRIVATE KEY", der, 0o600)
}

func writePEM(dir, file, typ string, der []byte, mode os.FileMode) {
	data := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, file)), 0o700); err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), data, mode); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pki: "+format+"\n", args...)
	os.Exit(1)
}
