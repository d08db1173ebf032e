package weir

// The C side of Go middleware: trampolines with the exact callback types of
// weir_middleware_type and weir_resume_fn. They pass the cgo.Handle values
// that stand for Go objects as uintptr_t, so no Go pointer ever reaches C.
// (The //export functions live in middleware_export.go: a file with
// //export may only declare C functions, not define them.)

/*
#include <stdint.h>
#include <stdlib.h>
#include "weir.h"

extern weir_status goWeirCreate(uintptr_t factory, char *json, size_t len, uintptr_t *instance,
                                char *err, size_t err_cap);
extern void goWeirDestroy(uintptr_t instance);
extern void goWeirHook(weir_request_t *req, uintptr_t instance, int phase);
extern void goWeirResume(weir_request_t *req, uintptr_t fn);

static weir_status weir_go_create(void *user, const char *json, size_t len, void **instance,
                                  char *err, size_t err_cap) {
  uintptr_t h = 0;
  weir_status st = goWeirCreate((uintptr_t)user, (char *)json, len, &h, err, err_cap);
  *instance = (void *)h;
  return st;
}
static void weir_go_destroy(void *user, void *instance) {
  (void)user;
  goWeirDestroy((uintptr_t)instance);
}
static void weir_go_on_request(weir_request_t *req, void *instance) {
  goWeirHook(req, (uintptr_t)instance, WEIR_PHASE_REQUEST);
}
static void weir_go_on_response(weir_request_t *req, void *instance) {
  goWeirHook(req, (uintptr_t)instance, WEIR_PHASE_RESPONSE);
}
static void weir_go_on_log(weir_request_t *req, void *instance) {
  goWeirHook(req, (uintptr_t)instance, WEIR_PHASE_LOG);
}
static void weir_go_resumed(weir_request_t *req, void *fn) { goWeirResume(req, (uintptr_t)fn); }

static weir_status weir_go_register(const char *type, uintptr_t factory, int hooks) {
  weir_middleware_type mt = {
      .size = sizeof mt,
      .create = weir_go_create,
      .destroy = weir_go_destroy,
      .on_request = (hooks & 1) ? weir_go_on_request : NULL,
      .on_response = (hooks & 2) ? weir_go_on_response : NULL,
      .on_log = (hooks & 4) ? weir_go_on_log : NULL,
  };
  return weir_middleware_register(type, &mt, (void *)factory);
}
static weir_status weir_go_resume(weir_pause_t *p, uintptr_t fn) {
  return weir_pause_resume(p, weir_go_resumed, (void *)fn);
}
*/
import "C"

import "unsafe"

func registerC(typ string, factory uintptr, hooks int) Status {
	ctype := C.CString(typ)
	defer C.free(unsafe.Pointer(ctype))
	return Status(C.weir_go_register(ctype, C.uintptr_t(factory), C.int(hooks)))
}

func resumeC(p *C.weir_pause_t, fn uintptr) Status {
	return Status(C.weir_go_resume(p, C.uintptr_t(fn)))
}
