package weir

// #include <stdint.h>
// #include "weir.h"
// extern void weirGoLog(void *user, weir_log_level level, char *message, size_t len);
// static weir_status weir_go_set_log(uintptr_t handle, weir_log_level min) {
//   return weir_set_log_callback(handle ? (weir_log_fn)weirGoLog : NULL, (void *)handle, min);
// }
import "C"

import (
	"fmt"
	"runtime/cgo"
	"sync"
)

// LogLevel is a weir_log_level.
type LogLevel int

const (
	LogDebug LogLevel = C.WEIR_LOG_DEBUG
	LogInfo  LogLevel = C.WEIR_LOG_INFO
	LogWarn  LogLevel = C.WEIR_LOG_WARN
	LogError LogLevel = C.WEIR_LOG_ERROR
)

func (l LogLevel) String() string {
	switch l {
	case LogDebug:
		return "debug"
	case LogInfo:
		return "info"
	case LogWarn:
		return "warn"
	case LogError:
		return "error"
	}
	return fmt.Sprintf("LogLevel(%d)", int(l))
}

var (
	logMu     sync.Mutex
	logHandle cgo.Handle // the handler weir holds now; 0 for stderr
)

// SetLogHandler sends weir's log lines of level min and above to handler,
// process-wide; nil restores the default (stderr). The handler runs on
// weir's worker threads: it must be safe for concurrent use, return
// quickly, and not call SetLogHandler or a Gateway's methods.
func SetLogHandler(handler func(level LogLevel, message string), min LogLevel) error {
	if min < LogDebug || min > LogError {
		return &Error{Op: "set_log_handler", Status: ErrInvalid, Message: fmt.Sprintf("unknown level %d", int(min))}
	}
	logMu.Lock()
	defer logMu.Unlock()
	var h cgo.Handle
	if handler != nil {
		h = cgo.NewHandle(handler)
	}
	st := Status(C.weir_go_set_log(C.uintptr_t(h), C.weir_log_level(min)))
	if st != statusOK {
		if h != 0 {
			h.Delete()
		}
		return &Error{Op: "set_log_handler", Status: st}
	}
	// weir no longer calls the old handler once the call returned.
	if logHandle != 0 {
		logHandle.Delete()
	}
	logHandle = h
	return nil
}
