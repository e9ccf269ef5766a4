/* hj: the Huanjie command line for subdistrict offices, field teams and auditors. */
#include "cli.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_district(cli_t *cli, const char *verb);
int cmd_subdistrict(cli_t *cli, const char *verb);
int cmd_community(cli_t *cli, const char *verb);
int cmd_person(cli_t *cli, const char *verb);
int cmd_seat(cli_t *cli, const char *verb);
int cmd_talk(cli_t *cli, const char *verb);
int cmd_watch(cli_t *cli, const char *verb);
int cmd_status(cli_t *cli, const char *verb);
int cmd_audit(cli_t *cli, const char *verb);
int cmd_sync(cli_t *cli, const char *verb);
int cmd_spool(cli_t *cli, const char *verb);

static const cli_command_t s_commands[] = {
    {"district", "add a district (区)", cmd_district, "hj district add --code CODE --name NAME"},
    {"subdistrict", "add a subdistrict (街道)", cmd_subdistrict,
     "hj subdistrict add --code CODE --name NAME --district CODE"},
    {"community", "communities (社区): add, update, show, list", cmd_community,
     "hj community add --code CODE --name NAME --subdistrict CODE [--org branch|general_branch|committee]\n"
     "hj community update CODE [--name NAME] [--org TYPE]\n"
     "hj community show CODE\n"
     "hj community list [--subdistrict CODE] [--limit N] [--after CODE]"},
    {"person", "persons: add, show, list", cmd_person,
     "hj person add --name NAME --gender male|female [--ethnicity E] [--birth YYYY-MM-DD]\n"
     "              [--party-member] [--id-card NUMBER]   (stored only as a keyed hash and a mask)\n"
     "hj person show ID\n"
     "hj person list [--community CODE (sitting members)] [--limit N] [--after ID]"},
    {"seat", "committee seats (两委成员): add, end, list", cmd_seat,
     "hj seat add --community CODE --person ID --committee party|residents --role ROLE --from DATE [--to DATE]\n"
     "    roles: party: secretary, deputy_secretary, member; residents: director, deputy_director, member\n"
     "hj seat end ID --on DATE\n"
     "hj seat list [--community CODE] [--limit N] [--after ID]"},
    {"audit", "term-end audits (任期审计): open, scope, findings, advance, publish, gate", cmd_audit,
     "hj audit open --community CODE --term TERM --from DATE --to DATE --auditor NAME [--auditor NAME]... [--opened DATE]\n"
     "hj audit show KEY [--term TERM]          KEY: an audit id, or a community code (its latest audit)\n"
     "hj audit list [--community CODE] [--state STATE] [--limit N] [--after ID]\n"
     "hj audit scope list KEY [--term TERM]\n"
     "hj audit scope add KEY --title TEXT [--note TEXT]\n"
     "    resident-requested: --basis representatives|residents --signers N --eligible M\n"
     "                        --requested-by WHO --requested-on DATE\n"
     "hj audit scope set KEY NO --status not_started|examined|finding_raised|cleared [--note TEXT]\n"
     "hj audit finding add KEY --item NO --severity observation|irregularity|serious --text TEXT\n"
     "    [--amount YUAN (e.g. 1234.56)] [--responsible NAME] [--evidence REF]...\n"
     "hj audit finding update KEY NO [--remedy open|remedied|referred] [--responsible NAME]\n"
     "    [--evidence REF]... [--note TEXT]\n"
     "hj audit advance KEY [--to STATE] [--reason TEXT] [--on DATE]   (no --to: the next state; back needs --reason)\n"
     "hj audit publish KEY [--on DATE]\n"
     "hj audit status --all | hj audit status CODE   one line a community\n"
     "hj audit gate CODE [--term TERM]          is the audit completed and published (不经审计不得换届)\n"
     "states: planned, fieldwork, draft_report, completed, published"},
    {"talk", "talks (谈心谈话): add, list, show, close follow-ups, coverage", cmd_talk,
     "hj talk add --community CODE --phase survey|preparation|other --date YYYY-MM-DD\n"
     "            --interviewer PERSON-ID [--interviewer ID]...\n"
     "            (--person PERSON-ID | --party ROLE --name NAME) --summary TEXT\n"
     "            [--topic TEXT]... [--follow-up \"ACTION|OWNER|YYYY-MM-DD\"]... [--concern]\n"
     "            [--request-id UUID]   (resubmitting with the same id records the talk once)\n"
     "    outside-party roles: property_company (物业公司负责人), owners_committee (业委会成员),\n"
     "                         resident_representative (居民代表), party_member (党员), other_party\n"
     "hj talk add --from FILE.json      a record prepared offline; its \"id\" is the idempotency key\n"
     "hj talk template [--community CODE] [--phase P]   an empty record with a fresh id, to fill in\n"
     "hj talk list [--community CODE] [--phase P] [--interviewer ID] [--since DATE] [--until DATE]\n"
     "             [--limit N] [--after ID]\n"
     "hj talk show ID\n"
     "hj talk close TALK-ID --follow-up N [--on YYYY-MM-DD]\n"
     "hj talk coverage COMMUNITY | --all   sitting members and their last preparation-phase talk"},
    {"sync", "send the writes waiting in the offline spool, oldest first", cmd_sync,
     "hj sync [--json]   one line a record: sent, already there (an earlier try was recorded),\n"
     "                   refused (kept in rejected/ with the reason), damaged (never sent)\n"
     "Exit: 0 all sent, 1 something refused or damaged, 3 the system could not be reached."},
    {"spool", "the offline spool: status, list, show, retry, drop", cmd_spool,
     "hj spool status            waiting and rejected records, and the last successful sync\n"
     "hj spool list              every record with its state and, when refused, the reason\n"
     "hj spool show ID           one record: its command, the request, the server's reason;\n"
     "                           to correct a refused record, run its command again with the\n"
     "                           corrected values and --request-id ID (it replaces the record)\n"
     "hj spool retry ID          send a refused (or waiting) record again now, unchanged\n"
     "hj spool drop ID [--force] give a record up (--force for one that has not been sent)\n"
     "ID: a request id or its first characters. Every write is stored in the spool before it\n"
     "is sent; one that cannot be sent waits there (\"saved offline\"). --no-spool turns it off."},
    {"status", "which services are running behind the broker", cmd_status,
     "hj status [--service NAME]   (exit 0 when the named service is up, 3 when not)"},
    {"watch", "print events as they arrive, with their sequence", cmd_watch,
     "hj watch [TOPIC-PREFIX] [--count N] [--seconds S]   e.g. hj watch registry."},
};
#define S_NCOMMANDS (sizeof s_commands / sizeof s_commands[0])

static void s_help(void)
{
    printf("hj — Huanjie (换届), the community two-committee elections system\n\n"
           "usage: hj GROUP VERB [ARGS] [--json] [--bus ENDPOINT] [--events ENDPOINT]\n"
           "                              [--timeout MS] [--tries N] [--request-id UUID] [--no-spool]\n\n");
    for (size_t i = 0; i < S_NCOMMANDS; i++)
        printf("  %-12s %s\n", s_commands[i].group, s_commands[i].summary);
    printf("\n`hj GROUP --help` shows a group's commands.\n"
           "Every write is first stored in the offline spool; one that cannot be sent says\n"
           "\"saved offline, N waiting\" and exits 0, and `hj sync` sends it later.\n"
           "Exit codes: 0 ok (or saved offline), 1 refused by the server (the message names the\n"
           "            field or rule), 2 usage, 3 could not reach the system (reads; writes with\n"
           "            --no-spool).\n"
           "Environment: HJ_BUS (default tcp://127.0.0.1:7700), HJ_BUS_EVENTS (tcp://127.0.0.1:7701),\n"
           "             HJ_TIMEOUT_MS (2500), HJ_TRIES (3),\n"
           "             HJ_SPOOL (the spool directory, default ~/.local/share/huanjie/spool).\n");
}

static int s_int(const char *v, int def)
{
    int n = v ? atoi(v) : 0;
    return n > 0 ? n : def;
}

int main(int argc, char **argv)
{
    static cli_t cli;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        s_help();
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const cli_command_t *cmd = NULL;
    for (size_t i = 0; i < S_NCOMMANDS && !cmd; i++)
        if (strcmp(argv[1], s_commands[i].group) == 0)
            cmd = &s_commands[i];
    if (!cmd)
        return cli_usage("unknown command '%s'", argv[1]);
    if (cli_parse(&cli, argc - 2, argv + 2) != CLI_OK)
        return CLI_USAGE;
    if (cli_flag(&cli, "help")) {
        printf("%s\n", cmd->usage);
        return CLI_OK;
    }
    snprintf(cli.bus, sizeof cli.bus, "%s",
             cli_opt_or(&cli, "bus", getenv("HJ_BUS") ? getenv("HJ_BUS") : "tcp://127.0.0.1:7700"));
    snprintf(cli.events, sizeof cli.events, "%s",
             cli_opt_or(&cli, "events",
                        getenv("HJ_BUS_EVENTS") ? getenv("HJ_BUS_EVENTS") : "tcp://127.0.0.1:7701"));
    cli.timeout_ms = s_int(cli_opt_or(&cli, "timeout", getenv("HJ_TIMEOUT_MS")), 2500);
    cli.tries = s_int(cli_opt_or(&cli, "tries", getenv("HJ_TRIES")), 3);
    cli.json = cli_flag(&cli, "json");
    cli.no_spool = cli_flag(&cli, "no-spool");
    spool_default_dir(cli.spool_dir, sizeof cli.spool_dir);
    /* Kept with a spooled write, so `hj spool show` can say how it was made. */
    cli.argc = argc;
    cli.argv = argv;
    argv[0] = "hj";
    const char *verb = cli.npos > 0 ? cli.pos[0] : NULL;
    if (verb) {
        /* The verb is not an argument of the verb. */
        memmove(cli.pos, cli.pos + 1, sizeof(cli.pos[0]) * (size_t)(cli.npos - 1));
        cli.npos--;
    }
    if (!verb && cmd->run != cmd_watch && cmd->run != cmd_status && cmd->run != cmd_sync) {
        printf("%s\n", cmd->usage);
        return CLI_USAGE;
    }
    int rc = cmd->run(&cli, verb);
    return rc == CLI_SAVED ? CLI_OK : rc;
}
