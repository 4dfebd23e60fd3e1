package tool

import (
	"errors"
	"os"
	"os/exec"
	"unsafe"

	"golang.org/x/sys/windows"
)

// OwnProcessGroup makes cancelling cmd's context kill its whole process
// tree (go test's test binaries included), not only the go command, which
// would leave them running. Windows has no process groups to signal, so
// the cancel kills the command, then every process descended from it, found
// by parent pid in a process snapshot; a process counts as a child only if
// it started after its parent, so a pid reused by a stranger is never hit.
func OwnProcessGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		// exec holds the command's handle until Wait, so its pid is not
		// reused while its descendants are looked up.
		root := uint32(cmd.Process.Pid)
		tree := processTree{started: map[uint32]windows.Filetime{}}
		if _, ok := tree.startOf(root); !ok {
			return cmd.Process.Kill()
		}
		err := cmd.Process.Kill()
		tree.killBelow(root)
		return err
	}
}

// killRounds bounds the snapshots: a child may start one more before it
// dies.
const killRounds = 3

// processTree finds a tree's processes by parent pid; started keeps the
// start time of each process seen, read while it lived.
type processTree struct {
	started map[uint32]windows.Filetime
}

func (t processTree) killBelow(root uint32) {
	for range killRounds {
		pids, err := t.descendants(root)
		if err != nil || len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			terminate(pid)
		}
	}
}

// descendants lists the live processes below root, parents first.
func (t processTree) descendants(root uint32) ([]uint32, error) {
	children, err := childrenByParent()
	if err != nil {
		return nil, err
	}
	var out []uint32
	queue := []uint32{root}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		parentStart, ok := t.startOf(parent)
		if !ok {
			continue
		}
		for _, pid := range children[parent] {
			if start, ok := t.startOf(pid); ok && start.Nanoseconds() >= parentStart.Nanoseconds() {
				out = append(out, pid)
				queue = append(queue, pid)
			}
		}
	}
	return out, nil
}

func (t processTree) startOf(pid uint32) (windows.Filetime, bool) {
	if s, ok := t.started[pid]; ok {
		return s, true
	}
	s, ok := startTime(pid)
	if ok {
		t.started[pid] = s
	}
	return s, ok
}

// childrenByParent maps each pid to the pids that name it as parent.
func childrenByParent() (map[uint32][]uint32, error) {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return nil, os.NewSyscallError("CreateToolhelp32Snapshot", err)
	}
	defer windows.CloseHandle(snap)
	children := map[uint32][]uint32{}
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		if e.ProcessID != e.ParentProcessID {
			children[e.ParentProcessID] = append(children[e.ParentProcessID], e.ProcessID)
		}
	}
	if !errors.Is(err, windows.ERROR_NO_MORE_FILES) {
		return nil, os.NewSyscallError("Process32Next", err)
	}
	return children, nil
}

func startTime(pid uint32) (windows.Filetime, bool) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return windows.Filetime{}, false
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if windows.GetProcessTimes(h, &created, &exited, &kernel, &user) != nil {
		return windows.Filetime{}, false
	}
	return created, true
}

func terminate(pid uint32) {
	h, err := windows.OpenProcess(windows.PROCESS_TERMINATE, false, pid)
	if err != nil {
		return
	}
	_ = windows.TerminateProcess(h, 1)
	_ = windows.CloseHandle(h)
}
