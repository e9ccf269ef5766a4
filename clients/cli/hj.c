/* hj: the Huanjie command line for subdistrict offices, field teams and auditors. */
#include "cli.h"
#include "cmd_prep.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_command_t s_commands[] = {
    {"district", "add a district (区)", cmd_district, "hj district add --code CODE --name NAME"},
    {"subdistrict", "add a subdistrict (街道)", cmd_subdistrict,
     "hj subdistrict add --code CODE --name NAME --district CODE"},
    {"community", "communities (社区): add, update, show, list", cmd_community,
     "hj community add --code CODE --name NAME --subdistrict CODE [--org "
     "branch|general_branch|committee]\n"
     "hj community update CODE [--name NAME] [--org TYPE]\n"
     "hj community show CODE\n"
     "hj community list [--subdistrict CODE] [--limit N] [--after CODE]"},
    {"person", "persons: add, show, list, update, void, import", cmd_person,
     "hj person add --name NAME --gender male|female [--ethnicity E] [--birth YYYY-MM-DD]\n"
     "              [--party-member] [--id-card NUMBER]   (stored only as a keyed hash and a "
     "mask)\n"
     "hj person show PERSON [--community CODE]\n"
     "hj person list [--community CODE | --subdistrict CODE (sitting members)] [--name TEXT] "
     "[--include-void]\n"
     "               [--limit N] [--after ID] [--all]\n"
     "hj person update PERSON [--name N] [--gender G] [--ethnicity E] [--birth DATE]\n"
     "               [--party-member yes|no] [--reason TEXT]   (the previous values stay in the "
     "journal)\n"
     "hj person void PERSON --reason TEXT     (kept, hidden from lists; a sitting member's seat "
     "ends first)\n"
     "hj person import FILE.csv               (all rows or none; header "
     "姓名,性别[,民族,出生日期,党员,身份证号])\n"
     "PERSON (also --person, --interviewer, --leader, --member, --attendee): a code (P0042), a "
     "name\n"
     "    (looked for in the command's community, else district-wide; ambiguous names are refused\n"
     "    listing the matches) or an id. Offline only an id works: a name needs the registry."},
    {"seat", "committee seats (两委成员): add, end, list", cmd_seat,
     "hj seat add --community CODE --person ID --committee party|residents --role ROLE --from DATE "
     "[--to DATE]\n"
     "    roles: party: secretary, deputy_secretary, member; residents: director, deputy_director, "
     "member\n"
     "hj seat end ID --on DATE\n"
     "hj seat list [--community CODE] [--limit N] [--after ID]"},
    {"audit", "term-end audits (任期审计): open, scope, findings, advance, publish, gate",
     cmd_audit,
     "hj audit open --community CODE --term TERM --from DATE --to DATE --auditor NAME [--auditor "
     "NAME]... [--opened DATE]\n"
     "hj audit show KEY [--term TERM]          KEY: an audit id, or a community code (its latest "
     "audit)\n"
     "hj audit list [--community CODE] [--state STATE] [--limit N] [--after ID]\n"
     "hj audit scope list KEY [--term TERM]\n"
     "hj audit scope add KEY --title TEXT [--note TEXT]\n"
     "    resident-requested: --basis representatives|residents --signers N --eligible M\n"
     "                        --requested-by WHO --requested-on DATE\n"
     "hj audit scope set KEY NO --status not_started|examined|finding_raised|cleared [--note "
     "TEXT]\n"
     "hj audit finding add KEY --item NO --severity observation|irregularity|serious --text TEXT\n"
     "    [--amount YUAN (e.g. 1234.56)] [--responsible NAME] [--evidence REF]...\n"
     "hj audit finding update KEY NO [--remedy open|remedied|referred] [--responsible NAME]\n"
     "    [--evidence REF]... [--note TEXT]\n"
     "hj audit advance KEY [--to STATE] [--reason TEXT] [--on DATE]   (no --to: the next state; "
     "back needs --reason)\n"
     "hj audit publish KEY [--on DATE]\n"
     "hj audit status --all | hj audit status CODE   one line a community\n"
     "hj audit gate CODE [--term TERM]          is the audit completed and published "
     "(不经审计不得换届)\n"
     "states: planned, fieldwork, draft_report, completed, published"},
    {"talk", "talks (谈心谈话): add, list, show, close follow-ups, coverage", cmd_talk,
     "hj talk add --community CODE --phase survey|preparation|other --date YYYY-MM-DD\n"
     "            --interviewer PERSON-ID [--interviewer ID]...\n"
     "            (--person PERSON-ID | --party ROLE --name NAME) --summary TEXT\n"
     "            [--topic TEXT]... [--follow-up \"ACTION|OWNER|YYYY-MM-DD\"]... [--concern]\n"
     "            [--request-id UUID]   (resubmitting with the same id records the talk once)\n"
     "    outside-party roles: property_company (物业公司负责人), owners_committee (业委会成员),\n"
     "                         resident_representative (居民代表), party_member (党员), "
     "other_party\n"
     "hj talk add --from FILE.json      a record prepared offline; its \"id\" is the idempotency "
     "key\n"
     "hj talk template [--community CODE] [--phase P]   an empty record with a fresh id, to fill "
     "in\n"
     "hj talk list [--community CODE] [--phase P] [--interviewer PERSON] [--since DATE] [--until "
     "DATE]\n"
     "             [--limit N] [--after ID] [--all] [--include-void] [--lang en]\n"
     "    a device scoped to some communities sees their talks and how many others it may not;\n"
     "    a cut list ends with 显示 N 条，共 M 条（--all 全部；--after ID 下一页）, --json has "
     "total and next\n"
     "hj talk show ID\n"
     "hj talk void ID --reason TEXT      kept, no longer counted (coverage, board, lists)\n"
     "hj talk update ID [--summary TEXT] [--date YYYY-MM-DD] [--reason TEXT]   the old values stay "
     "in the journal\n"
     "hj talk close TALK-ID --follow-up N [--on YYYY-MM-DD]\n"
     "hj talk coverage COMMUNITY | --all   sitting members and their last preparation-phase talk"},
    {"admin", "operator commands on the server: devices, the server key, journal verify", cmd_admin,
     "On the server, with database access (HJ_DB or --db; logged in as the hj_admin role) and the\n"
     "run directory (HJ_RUN_DIR or --run-dir, where hj-busd keeps busd.key); on the machine where\n"
     "deploy/huanjie up ran, neither is needed (the run directory of this operator's device, and\n"
     "the database named in its `database` file):\n"
     "hj admin device enrol NAME --team TEAM --role ROLE [--out FILE] [--bus ENDPOINT] [--events "
     "ENDPOINT]\n"
     "                     [--passphrase]\n"
     "    a new keypair for a laptop or operator; writes the device file (default NAME.device, "
     "mode\n"
     "    0600, or stdout with --out -: server key, endpoints, the device's keys) to copy to the\n"
     "    device. Give the endpoints the device will use to reach this server (default HJ_BUS /\n"
     "    HJ_BUS_EVENTS or 127.0.0.1).\n"
     "    --passphrase seals the secret key in the file (Argon2id + secretbox), so a stolen copy "
     "is\n"
     "    no credential: the passphrase is HJ_DEVICE_PASSPHRASE, else asked twice on the "
     "terminal;\n"
     "    hj and hj-top then ask for it (or read HJ_DEVICE_PASSPHRASE) each time they start.\n"
     "    roles: district-admin | subdistrict-office | guidance-group (--team: the group's name "
     "or\n"
     "    id; writes only for the communities it guides) | auditor | election-committee (--team:\n"
     "    its community code; writes only for it) | observer (reads only)\n"
     "hj admin device list [--json]\n"
     "hj admin device revoke NAME    refused from its next connection or request on, no restart\n"
     "hj admin keygen                make hj-busd's keypair (run-dir/busd.key, 0600) if it is "
     "missing\n"
     "hj admin journal verify [--anchor SEQ:HASH]   recompute the journal's hash chain; prints\n"
     "    \"ok, N events, head SEQ:HASH\" or the first broken link (exit 1). Anchor the head: "
     "print\n"
     "    it daily and keep it outside the system; later, --anchor SEQ:HASH checks the journal\n"
     "    still runs through it (exit 1 when it was rewritten)."},
    {"publicity", "宣传动员: pushes by channel and kind, with totals", cmd_publicity,
     "hj publicity add (--community CODE | --subdistrict CODE) --channel CHANNEL --kind KIND\n"
     "                 --date YYYY-MM-DD [--count N] --title TEXT\n"
     "    channel: screen (电子屏) | wechat_group (居民微信群) | notice_board (公告栏) | other\n"
     "    kind: slogan (宣传标语) | policy_reading (政策解读) | election_discipline (换届纪律) |\n"
     "          good_practice (经验做法) | other\n"
     "    --count: times it ran that day (a screen repeats a slogan), default 1\n"
     "hj publicity list [--community CODE] [--subdistrict CODE] [--kind KIND] [--limit N] [--after "
     "ID]\n"
     "    pages by date; the totals by kind and by channel cover the whole filter, not the page\n"
     "    [--include-void]: voided records too, marked 已作废 (lists and totals count what "
     "stands)\n"
     "hj publicity show ID\n"
     "hj publicity void ID --reason TEXT   entered by mistake: kept, no longer counted (已作废)\n"
     "hj publicity update ID [--date YYYY-MM-DD] [--title TEXT] [--count N]"},
    {"assessment", "调研摸底: assessments of sitting members; risk notes, contingency plans",
     cmd_assessment,
     "hj assessment add --seat SEAT_ID --date YYYY-MM-DD --assessor NAME\n"
     "                  --ability 1-5 --performance 1-5 --practice 1-5 --trust 1-5\n"
     "                  [--structure TEXT] [--ability-note TEXT] [--performance-note TEXT]\n"
     "                  [--practice-note TEXT] [--trust-note TEXT]\n"
     "    ability 能力, performance 现实表现, practice 工作作风, trust 群众公认度; structure 结构 "
     "notes.\n"
     "    The date must fall within the seat's term.\n"
     "hj assessment list [--community CODE] [--limit N] [--after ID] [--include-void]\n"
     "hj assessment void ID --reason TEXT   entered by mistake: kept, no longer counted (已作废)\n"
     "hj assessment show ID\n"
     "hj assessment risk COMMUNITY                          show its risk notes and contingency "
     "plan\n"
     "hj assessment risk COMMUNITY [--notes TEXT] [--contingency TEXT]   set them (工作预案)"},
    {"reserve", "后备人选台账: the reserve-candidate ledger, vetting, CSV import/export",
     cmd_reserve,
     "hj reserve add --person ID --community CODE --committee party|residents --added YYYY-MM-DD\n"
     "               [--source TEXT] [--status S] [--vetting V] [--reason R] [--note TEXT]\n"
     "    status: active (在库, default) | withdrawn (退出) | nominated (已提名: needs vetting "
     "cleared)\n"
     "    vetting (资格联审): pending (default) | cleared | barred (needs --reason)\n"
     "    reason: criminal_record | gang_involvement | illegal_religion | expelled_from_party | "
     "other\n"
     "hj reserve update ID [--status S] [--vetting V [--reason R]] [--note TEXT]\n"
     "hj reserve list [--community CODE] [--status S] [--limit N] [--after ID] [--include-void]\n"
     "hj reserve void ID --reason TEXT   entered by mistake: kept, no longer counted (已作废); "
     "the\n"
     "    person may be entered again\n"
     "hj reserve show ID\n"
     "hj reserve import FILE.csv\n"
     "    UTF-8 CSV with a header: "
     "编号,人员编号,姓名,社区,委员会,推荐来源,入库日期,状态,资格联审,否决原因,备注\n"
     "    (or id,person_id,name,community,committee,source,added,status,vetting,bar_reason,note; "
     "any\n"
     "    order; values as words or their Chinese labels). A row without id adds an entry, or "
     "replaces\n"
     "    this person's entry for that committee; without person_id the name must be unique.\n"
     "    All rows or none: every bad row is reported with its line number and nothing changes.\n"
     "hj reserve export [--community CODE] [--status S] [--out FILE] [--lang zh|en]\n"
     "    writes the ledger as import reads it (export -> import round-trips)"},
    {"rectification",
     "集中整顿: problem flags with their plan (一社一策), open → in progress → closed",
     cmd_rectification,
     "hj rectification open --community CODE --problem PROBLEM --plan TEXT --owner NAME\n"
     "                      --date YYYY-MM-DD (opened) --due YYYY-MM-DD [--description TEXT]\n"
     "    problem: complex_situation (换届选举形势复杂) | gang_interference (黑恶宗族势力干扰) |\n"
     "             religious_interference (宗教势力干扰) | petitions (信访矛盾集中) |\n"
     "             weak_party_organisation (党组织软弱涣散) | other\n"
     "hj rectification start ID --date YYYY-MM-DD              open → in_progress\n"
     "hj rectification close ID --date YYYY-MM-DD --note TEXT --verified-by NAME\n"
     "    in_progress → closed (销号); the closing note and who verified it are required\n"
     "hj rectification list [--community CODE] [--state open|in_progress|closed] [--problem P]\n"
     "                      [--limit N] [--after ID]\n"
     "hj rectification show ID"},
    {"upgrade", "party-organisation upgrades (党支部 → 党总支 → 党委) and their approval",
     cmd_upgrade,
     "hj upgrade request --community CODE --to general_branch|committee --date YYYY-MM-DD "
     "[--reason TEXT]\n"
     "hj upgrade approve ID --date YYYY-MM-DD [--note TEXT]   (街道党工委; changes the "
     "community's\n"
     "                                                          organisation type at once)\n"
     "hj upgrade reject ID --date YYYY-MM-DD --note TEXT\n"
     "hj upgrade list [--community CODE] [--subdistrict CODE] [--state "
     "requested|approved|rejected] [--limit N] [--after ID]\n"
     "hj upgrade show ID"},
    {"body", "健全机构: leadership group, office, guidance groups, election committees", cmd_body,
     "hj body add --kind KIND --name NAME --leader PERSON_ID [--member PERSON_ID]... [--formed "
     "YYYY-MM-DD]\n"
     "            (--subdistrict CODE | --community CODE for an election committee) [--guides "
     "CODE]...\n"
     "    kind: leadership_group (换届工作领导小组) | office (领导小组办公室) |\n"
     "          guidance_group (指导组: --guides each community it guides) |\n"
     "          election_committee (选举委员会 of one community: training coverage counts its "
     "people)\n"
     "    One leadership group and one office per subdistrict, one election committee per "
     "community;\n"
     "    a community belongs to at most one guidance group at a time.\n"
     "hj body change ID [--leader PERSON_ID] [--add-member ID]... [--remove-member ID]...\n"
     "                  [--add-community CODE]... [--remove-community CODE]...\n"
     "    a new leader replaces the old one, who leaves the body\n"
     "hj body list [--subdistrict CODE] [--community CODE] [--kind KIND] [--limit N] [--after ID]\n"
     "hj body show ID"},
    {"plan", "制定方案: the subdistrict plan and one plan per community, with approval chains",
     cmd_plan,
     "hj plan add (--community CODE | --subdistrict CODE) --title TEXT (--text TEXT | --document "
     "REF)\n"
     "            --date YYYY-MM-DD (submitted) [--step APPROVER-BODY]...\n"
     "    the steps are approved in order; without --step the chain is\n"
     "    街道换届工作领导小组 → 区换届办公室 → 指导组\n"
     "hj plan approve ID --step N --date YYYY-MM-DD --by NAME [--note TEXT]\n"
     "hj plan return ID --step N --date YYYY-MM-DD --by NAME --note TEXT\n"
     "    the last approval puts the plan in force (已生效); a return sends it back for editing\n"
     "hj plan edit ID [--title TEXT] [--text TEXT] [--document REF]\n"
     "    draft or returned plans only; the chain starts again. A plan in force cannot be edited:\n"
     "hj plan revise ID --date YYYY-MM-DD [--title TEXT] [--text TEXT] [--document REF]\n"
     "    starts version N+1 with a new chain; it supersedes the old one when in force\n"
     "hj plan list [--community CODE] [--subdistrict CODE] [--state "
     "draft|returned|in_force|superseded]\n"
     "             [--limit N] [--after ID]\n"
     "hj plan show ID"},
    {"task", "dated tasks of a plan with their owners (时间到天, 任务到人)", cmd_task,
     "hj task add --plan ID --title TEXT --owner NAME --due YYYY-MM-DD\n"
     "    a task due before its plan was submitted is kept but flagged\n"
     "hj task done ID --date YYYY-MM-DD\n"
     "hj task list [--plan ID] [--community CODE] [--state open|done] [--overdue] [--limit N] "
     "[--after ID]\n"
     "    pages by due date; --overdue: open and due before today (Asia/Shanghai)\n"
     "    [--include-void]: voided tasks too, marked 已作废\n"
     "hj task void ID --reason TEXT   entered by mistake: kept, no longer counted (已作废)\n"
     "hj task update ID [--due YYYY-MM-DD] [--title TEXT] [--owner NAME]"},
    {"training", "培训骨干: training sessions, attendees, election-committee coverage",
     cmd_training,
     "hj training add --date YYYY-MM-DD (--community CODE | --subdistrict CODE) --trainer NAME\n"
     "                --topic TEXT... --attendee PERSON_ID:ROLE...\n"
     "    e.g. --topic 《中国共产党基层组织选举工作条例》 --topic 《城市居民委员会组织法》\n"
     "    role: election_committee_member (选举委员会成员) | guidance_group_member (指导组成员) |\n"
     "          community_staff (社区工作者) | leadership_group_member (领导小组成员)\n"
     "hj training list [--community CODE] [--subdistrict CODE] [--limit N] [--after ID] "
     "[--include-void]\n"
     "hj training void ID --reason TEXT   entered by mistake: kept, no longer counted (已作废)\n"
     "hj training update ID [--date YYYY-MM-DD] [--trainer NAME] [--add-attendee PERSON:ROLE]...\n"
     "                      [--remove-attendee PERSON]...   attendance corrected\n"
     "hj training show ID\n"
     "hj training coverage COMMUNITY\n"
     "    The rule: every member of the community's election committee (选举委员会: the leader "
     "and\n"
     "    members of its `hj body add --kind election_committee` body) must have attended at "
     "least\n"
     "    one training session, in any role. Lists those who have not; the readiness gate\n"
     "    \"election committee trained\" is green when none is left and a committee is recorded."},
    {"report", "reports: the progress briefing (进展情况) and a community's dossier", cmd_report,
     "hj report briefing [--subdistrict CODE] [--as-of YYYY-MM-DD | --as-known-on YYYY-MM-DD]\n"
     "                   [--format md|txt]\n"
     "    the preparation work in the order of the eight measures, in Chinese, with its figures\n"
     "    (the same as hj board and the list commands show); --as-of: the work dated on or before\n"
     "    that day by the date on its record (a talk recorded later counts); --as-known-on: what\n"
     "    the system knew at the end of that day, from that day's snapshot (--full-replay: the\n"
     "    same by applying the journal again from its first row, a check)\n"
     "hj report community CODE [--format md|txt] [--json]\n"
     "    the community's dossier (换届选举准备档案): everything the election committee must have\n"
     "    before opening: the eight gates, sitting members and their preparation talks, the term\n"
     "    audit and its open findings, the plan's approval steps and overdue tasks, candidates "
     "and\n"
     "    vetting (资格联审), training of the election committee, rectification and upgrades.\n"
     "    md (default): Markdown; txt: plain text in aligned columns; --json: every read, one "
     "object"},
    {"export", "ledgers as CSV for spreadsheets (台账导出)", cmd_export,
     "hj export TABLE --format csv [--excel] [--lang zh|en] [--out FILE]\n"
     "                [--community CODE] [--subdistrict CODE] [--page-size N]\n"
     "    TABLE: reserve (后备人选台账, one row an entry) | talks (谈心谈话, one row a talk) |\n"
     "           findings (审计发现问题 of every audit, amounts in 元) |\n"
     "           training (培训, one row an attendee of a session) | publicity (宣传动员) |\n"
     "           board (the readiness board: one row a community, its eight gates and counters)\n"
     "    The rows are what the list commands show (every page of them). Headers in Chinese,\n"
     "    --lang en for English. RFC 4180 CSV, UTF-8, LF; --excel: with a BOM and CRLF, for\n"
     "    spreadsheet programs. --out FILE is written whole or not at all (a temporary file\n"
     "    renamed into place); default stdout. --page-size: rows per list request (1-1000).\n"
     "    Columns of every table: docs/export.md"},
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
    {"board", "the readiness board: every community's gates and counters, or one in full",
     cmd_board,
     "hj board [COMMUNITY | --subdistrict CODE] [--lang zh|en]\n"
     "    without COMMUNITY: one line a community (✓ green, ✗ red, ⊘ overridden) and the district\n"
     "    totals (--subdistrict: its communities and its own totals); with it: its gates with\n"
     "    their reasons, elections and counters.\n"
     "    --json: the Snapshot (tally seq and journal seq it reflects) for scripts"},
    {"gates", "the eight election gates (门槛) of a community, each explained", cmd_gates,
     "hj gates COMMUNITY [--lang zh|en]\n"
     "    audit, rectification, upgrade, plan, talks, training, candidates, voter_list: the rule,\n"
     "    where the community stands, and what turns a red gate green"},
    {"election", "elections: schedule, open (refused while a gate is red), election day, result",
     cmd_election,
     "hj election schedule COMMUNITY --body party|residents --date YYYY-MM-DD --seats N\n"
     "                     [--mode ordinary|household|representative]\n"
     "    records the plan (prints the election's ID); scheduling the same body again (not yet\n"
     "    open) moves the date and seats\n"
     "hj election open COMMUNITY --body party|residents [--override GATE --reason TEXT]...\n"
     "    refused (FAILED_PRECONDITION) listing every red gate; the district may override a red\n"
     "    gate with a reason, which the journal records with who did it. The board then shows\n"
     "    the gate as overridden (⊘), not green.\n"
     "election day (ID = the election's id):\n"
     "hj election candidates ID --person PERSON-ID...   the list in ballot order (nominated in "
     "the\n"
     "    reserve ledger; lawful: party seats x 1.2 rounded up, residents more than seats)\n"
     "hj election proxy ID --holder VOTER-NO --holder-name NAME --for VOTER-NO --for-name NAME\n"
     "hj election round ID --box NAME:main|mobile:ISSUED:RETURNED... [--electorate N] [--present "
     "N]\n"
     "                  [--person PERSON-ID]...\n"
     "    opens the next round on or after election day: the first, a further round (另行选举) or\n"
     "    re-vote as the last count says, or the re-run of a void round. Party: --electorate (who\n"
     "    should attend) and --present; residents: the electorate is the voter roll. --person: a\n"
     "    party further round's new list.\n"
     "hj election ballots ID --box NAME --ballot MARKS[|NAME>K]... | --from FILE\n"
     "    one ballot at a time: a mark a candidate in ballot order, y yes, n no, a abstain, - "
     "blank;\n"
     "    write-ins after '|' (>K: beside the \"no\" of candidate K). FILE: one ballot a line, "
     "sent\n"
     "    in batches of 1000; --request-id makes a resubmission count nothing twice\n"
     "hj election count ID --box NAME --valid N --invalid N --votes N,N,... [--writein NAME:N]...\n"
     "                  [--reason TEXT]\n"
     "    a box counted by hand; it must add up (refused with the arithmetic). A write-in of a\n"
     "    listed candidate's name (here or on a ballot) counts for that candidate. A box already\n"
     "    counted takes a recount only with --reason; both counts stay in the result's history\n"
     "hj election vacancy ID --seats N --reason TEXT   seats the rounds left empty stay vacant\n"
     "    (暂缺) where the profile allows it (residents: after the further round); says when the\n"
     "    by-election (补选) is due\n"
     "hj election reduce ID --seats N --reason TEXT    减少名额 where the profile allows it "
     "(party:\n"
     "    those elected at most one short of the seats)\n"
     "hj election list [--community C] [--subdistrict S] [--state scheduled|open|certified]\n"
     "    elections with their communities' names, body, day and state (--json: with the ids)\n"
     "hj election result ID [--lang zh|en]   votes, who is elected and why (reasons name the\n"
     "    people; in Chinese unless --lang en), and what happens next\n"
     "hj election certify ID         locks the result\n"
     "hj election amend ID --round N --box NAME --valid N --invalid N --votes ... --reason TEXT\n"
     "    a certified result's correction: recorded with its reason and who made it"},
    {"voters", "选民登记: the voter roll, its publication (gate 8), objections", cmd_voters_roll,
     "hj voters import ELECTION-ID FILE.csv   the named roll: columns 姓名 (name), 性别 (gender: "
     "男|女),\n"
     "    出生日期 (birth_date, 18 or more on election day), 居民小组 or 户 (group), optional "
     "人员编号\n"
     "    (person_id: how a candidate is known). All lines or none; every bad line is named.\n"
     "hj voters list ELECTION-ID   names (birth dates for the offices and the election committee)\n"
     "hj voters objection ELECTION-ID --name NAME --reason TEXT [--group G]\n"
     "    [--gender 男|女 --birth DATE]   (someone missing: the entry to add)\n"
     "hj voters objection ELECTION-ID --name NAME --uphold|--reject   upheld: removed or added\n"
     "hj voters posting ELECTION-ID --out FILE [--posted DATE]   张榜公布: names and groups only;\n"
     "    records the posting day (at least 20 days before election day: gate 8)\n"
     "hj voters proxy ELECTION-ID --holder NO --for NO   voter numbers on the roll (hj voters "
     "list)\n"
     "  the counts-only roll (a quick start; a named roll's counts come from it):\n"
     "hj voters set COMMUNITY --voters N [--households N] [--representatives N] [--published "
     "DATE]\n"
     "hj voters show COMMUNITY\n"
     "hj voters object COMMUNITY --by NAME --date DATE --about TEXT   within 5 days of "
     "publication\n"
     "hj voters decide OBJECTION-ID --decision upheld|dismissed --date DATE [--note TEXT]\n"
     "    within 3 days of the filing (the days are the residents' profile's)"},
    {"status", "which services are running behind the broker", cmd_status,
     "hj status [--service NAME]   (exit 0 when the named service is up, 3 when not)"},
    {"watch", "print events as they arrive, with their sequence", cmd_watch,
     "hj watch [TOPIC-PREFIX] [--count N] [--seconds S]   e.g. hj watch registry."},
};
#define S_NCOMMANDS (sizeof s_commands / sizeof s_commands[0])

static void s_help(void)
{
    printf("hj — Huanjie (换届), the community two-committee elections system\n\n"
           "usage: hj GROUP VERB [ARGS] [--json] [--device FILE] [--bus ENDPOINT] [--events "
           "ENDPOINT]\n"
           "                              [--timeout MS] [--tries N] [--request-id UUID] "
           "[--no-spool]\n\n");
    for (size_t i = 0; i < S_NCOMMANDS; i++)
        printf("  %-14s %s\n", s_commands[i].group, s_commands[i].summary);
    printf(
        "\n`hj GROUP --help` shows a group's commands.\n"
        "Every write is first stored in the offline spool; one that cannot be sent says\n"
        "\"saved offline, N waiting\" and exits 0, and `hj sync` sends it later.\n"
        "Exit codes: 0 ok (or saved offline), 1 refused by the server (the message names the\n"
        "            field or rule), 2 usage, 3 could not reach the system (reads; writes with\n"
        "            --no-spool).\n"
        "Device: hj talks to Huanjie only as an enrolled device (CURVE keys, role, team):\n"
        "        --device FILE, else HJ_DEVICE, else ~/.config/huanjie/device\n"
        "        (hj admin device enrol makes the file; deploy/huanjie up makes one for this "
        "machine).\n"
        "        A sealed file's passphrase: HJ_DEVICE_PASSPHRASE, else asked on the terminal\n"
        "        (exit 3 when it is wrong or there is no terminal to ask on).\n"
        "Environment: HJ_BUS (default: the device file's, else tcp://127.0.0.1:7700, or the port\n"
        "             HJ_BUS_PORT names), HJ_BUS_EVENTS (the device file's, else port 7701 or\n"
        "             HJ_BUS_PORT + 1),\n"
        "             HJ_DEVICE, HJ_DEVICE_PASSPHRASE, HJ_TIMEOUT_MS (2500), HJ_TRIES (3),\n"
        "             HJ_CONNECT_MS (500: how long a write waits for the bus before it is\n"
        "             saved offline),\n"
        "             HJ_SPOOL (the spool directory, default ~/.local/share/huanjie/spool),\n"
        "             HJ_LANG (zh, the default, or en: as --lang).\n");
}

/* --flag, else the environment, else the device file's, else the default. */
static const char *s_endpoint(const char *flag, const char *env, const char *device,
                              const char *def)
{
    const char *e = getenv(env);
    return flag && *flag ? flag : e && *e ? e : device && *device ? device : def;
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
    /* The admin commands work on the server's database and files, not as a device. */
    if (cmd->run != cmd_admin &&
        hj_device_find(cli_opt(&cli, "device"), cli.device_path, sizeof cli.device_path)) {
        char err[1024];
        hj_device_rc_t loaded = hj_device_load(&cli.device, cli.device_path, err, sizeof err);
        if (loaded != HJ_DEVICE_OK) {
            fprintf(stderr, "hj: %s\n", err);
            /* A sealed file nobody could open is no key, like no file at all. */
            return loaded == HJ_DEVICE_LOCKED ? CLI_UNREACHABLE : CLI_USAGE;
        }
        cli.has_device = 1;
    }
    /* On the server, the ports deploy/huanjie listens on (HJ_BUS_PORT, events on +1). */
    char bus_default[64] = "tcp://127.0.0.1:7700", events_default[64] = "tcp://127.0.0.1:7701";
    int port = s_int(getenv("HJ_BUS_PORT"), 0);
    if (port > 0 && port < 65535) {
        snprintf(bus_default, sizeof bus_default, "tcp://127.0.0.1:%d", port);
        snprintf(events_default, sizeof events_default, "tcp://127.0.0.1:%d", port + 1);
    }
    snprintf(cli.bus, sizeof cli.bus, "%s",
             s_endpoint(cli_opt(&cli, "bus"), "HJ_BUS", cli.has_device ? cli.device.bus : "",
                        bus_default));
    snprintf(cli.events, sizeof cli.events, "%s",
             s_endpoint(cli_opt(&cli, "events"), "HJ_BUS_EVENTS",
                        cli.has_device ? cli.device.events : "", events_default));
    cli.timeout_ms = s_int(cli_opt_or(&cli, "timeout", getenv("HJ_TIMEOUT_MS")), 2500);
    cli.tries = s_int(cli_opt_or(&cli, "tries", getenv("HJ_TRIES")), 3);
    cli.connect_ms = s_int(getenv("HJ_CONNECT_MS"), 500);
    cli.json = cli_flag(&cli, "json");
    /* Chinese unless asked: --lang, else HJ_LANG. The environment's choice is
     * handed on as if typed, so every command that reads --lang sees it. */
    const char *lang = cli_opt(&cli, "lang"), *lang_from = "--lang";
    if (!lang && getenv("HJ_LANG") && *getenv("HJ_LANG") && cli.nopt < CLI_MAX_ARGS) {
        lang_from = "HJ_LANG";
        lang = getenv("HJ_LANG");
        cli.opt[cli.nopt].key = "lang";
        cli.opt[cli.nopt].value = lang;
        cli.opt[cli.nopt++].used = 1;
    }
    if (lang && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
        return cli_usage("%s is zh (the default) or en (got '%s')", lang_from, lang);
    cli.en = lang && strcmp(lang, "en") == 0;
    prep_set_lang(cli.en);
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
    if (!verb && cmd->run != cmd_watch && cmd->run != cmd_status && cmd->run != cmd_sync &&
        cmd->run != cmd_board) {
        printf("%s\n", cmd->usage);
        return CLI_USAGE;
    }
    int rc = cmd->run(&cli, verb);
    return rc == CLI_SAVED ? CLI_OK : rc;
}
