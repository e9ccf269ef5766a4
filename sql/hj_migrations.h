#ifndef HJ_MIGRATIONS_H
#define HJ_MIGRATIONS_H
/* The numbered migrations in sql/, embedded at build time; ends with {0,0,0}. */
typedef struct {
    int version;
    const char *name;
    const char *sql;
} hj_migration_t;
extern const hj_migration_t hj_migrations[];
#endif
