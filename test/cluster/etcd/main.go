// Command etcd is the real etcd server for the k8s-audit test control plane.
//
// It is exactly what etcd's own main package does (etcdmain.Main), built from
// go.etcd.io/etcd/server/v3 at the version k8s.io/kubernetes requires, so the
// storage backend matches what the API server was built and tested against,
// every etcd flag works (TLS, client-cert auth, metrics URLs — the flags a
// CIS audit reads from the etcd pod), and no separate binary or system package
// is needed.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
