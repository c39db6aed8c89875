// Command pause is the pod sandbox's process for the test cluster (containerd's sandbox_image): it
// holds the pod's namespaces, reaps the orphans it inherits as PID 1, and exits 0 on SIGTERM or SIGINT.
// It does what Kubernetes' build/pause/linux/pause.c does, in Go, because that image cannot be pulled here.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
