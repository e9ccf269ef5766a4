#ifndef HJ_ENROL_H
#define HJ_ENROL_H
/* Enrolling a device: what `hj admin device enrol` does, and hj-migrate for
 * a container deployment's health-check device. A fresh keypair, its row in
 * bus.devices and its device file, together: the row commits only once the
 * file is written, and a file is never left behind for a row that did not. */
#include <libpq-fe.h>

#include "hj_curve.h"
#include "hj_envelope.h"

/* d->name, team, role, bus and events as wanted; fills the rest (the keys,
 * the server key from run_dir/busd.key, which must exist; for a guidance
 * group the group's name as team). Writes the device file at `out`, mode
 * 0600 and never over an existing one, or to stdout when out is "-".
 * c: a connection that may insert into bus.devices (hj_admin or the owner),
 * outside a transaction. 0, or -1 with st: INVALID_ARGUMENT (field name,
 * role, team), NOT_FOUND (team: no such group or community), ALREADY_EXISTS
 * (name; out), UNAVAILABLE (database, files). */
int hj_enrol(PGconn *c, const char *run_dir, hj_device_t *d, const char *out, hj_status_t *st);
/* The same, with the device's secret key sealed under passphrase in the file
 * (hj_device_save_sealed) when passphrase is not NULL. */
int hj_enrol_sealed(PGconn *c, const char *run_dir, hj_device_t *d, const char *out,
                    const char *passphrase, hj_status_t *st);

/* 1 when name can be a device's: 1-63 of letters, digits, '.', '_', '@', '-',
 * starting with a letter or digit (it is the journal's actor and a file name). */
int hj_enrol_name_valid(const char *name);

#endif
