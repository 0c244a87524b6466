//go:build pprof

// Profiling build of the provider, for scripts/bench only: `go build -tags pprof`.
// The shipped binary (no tag) does not contain this file.
//
// With CCE_PPROF_DIR set, each provider process records a CPU profile and a
// block profile (every blocking event: runtime.SetBlockProfileRate(1), so the
// time goroutines spend waiting, e.g. for HTTP responses, shows up) and, when
// it exits normally, writes them to $CCE_PPROF_DIR/cpu-<pid>.pprof and
// $CCE_PPROF_DIR/block-<pid>.pprof.
//
// main.go calls atExit when main returns, which it does once the CLI has shut
// the plugin down (go-plugin's Shutdown RPC ends providerserver.Serve). A
// process that ends through os.Exit or log.Fatal, or is killed, writes no
// profiles.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// pprofDirEnv names the directory the profiles are written to.
const pprofDirEnv = "CCE_PPROF_DIR"

func init() {
	dir := os.Getenv(pprofDirEnv)
	if dir == "" {
		return
	}
	stop, err := startProfiles(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: profiling not started: %v\n", pprofDirEnv, err)
		return
	}
	atExit = func() {
		if err := stop(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", pprofDirEnv, err)
		}
	}
}

// startProfiles starts the CPU profile and block profiling; the returned
// function stops them and writes both files.
func startProfiles(dir string) (func() error, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	pid := os.Getpid()
	cpuPath := filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", pid))
	cpu, err := os.Create(cpuPath) //nolint:gosec // a path the caller chose
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		_ = cpu.Close()
		_ = os.Remove(cpuPath)
		return nil, err
	}
	runtime.SetBlockProfileRate(1)
	return func() error {
		pprof.StopCPUProfile()
		errCPU := cpu.Close()
		block, err := os.Create(filepath.Join(dir, fmt.Sprintf("block-%d.pprof", pid))) //nolint:gosec // as above
		if err != nil {
			return err
		}
		errWrite := pprof.Lookup("block").WriteTo(block, 0)
		errClose := block.Close()
		return errors.Join(errCPU, errWrite, errClose)
	}, nil
}
