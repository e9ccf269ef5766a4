# The demo district, sourced by deploy/huanjie: 滨河街道 of 康巴什区 as its own
# 2020 report describes it (../shared/seed), moved to the 2026 round. Four
# communities; 36 sitting members; 41 reserve candidates; 52 slogan pushes
# and 2 policy readings; one party committee and two general branches
# approved; every term audit completed and published; 45 survey-phase talks
# with property companies, owners' committees and resident representatives;
# 35 preparation-phase talks with sitting members (one still to go, so one
# gate stays red); a leadership group, its office and four guidance groups;
# the plans approved; the training of 2026-11-17.
#
# Every write carries a fixed request id, so loading it again changes nothing.

demo_load() {
    local hj=$1 n=0 rid
    next_rid() { n=$((n + 1)); rid=$(printf '00000000-0000-4000-8000-%012d' "$n"); }
    w() { next_rid; "$hj" "$@" --request-id "$rid" >/dev/null; }

    w district add --code KBS --name 康巴什区
    w subdistrict add --code KBS-BH --name 滨河街道 --district KBS
    local communities=(KBS-BH-01 KBS-BH-02 KBS-BH-03 KBS-BH-04)
    local names=(滨河社区 康和社区 民生社区 蒙欣社区)
    local i c
    for i in 0 1 2 3; do
        w community add --code "${communities[$i]}" --name "${names[$i]}" --subdistrict KBS-BH --org branch
    done

    # Persons: nine sitting members per community, and the subdistrict's cadres.
    local surnames=(王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗)
    local given=(丽 强 敏 伟 芳 军 娜 磊 静 洋 艳 勇 杰 娟 涛 明 超 霞 平 刚 桂英 建华 志强 秀兰 海燕 巴特尔 其木格 乌云 敖日格乐 萨仁)
    local ethnic=(汉族 汉族 汉族 蒙古族 汉族 回族 汉族 蒙古族 满族)
    declare -ga DEMO_PERSON=()
    local p gender
    for p in $(seq 0 47); do
        gender=$([ $((p % 2)) -eq 0 ] && echo female || echo male)
        next_rid
        DEMO_PERSON[$p]=$rid
        "$hj" person add --name "${surnames[$((p % 20))]}${given[$(((p * 7) % 30))]}" --gender "$gender" \
            --ethnicity "${ethnic[$((p % 9))]}" --birth "$((1965 + p % 25))-0$((1 + p % 9))-1$((p % 9))" \
            --party-member --request-id "$rid" >/dev/null
    done

    # Committee seats (两委): party 5, residents 4, nine different people each.
    local party_roles=(secretary deputy_secretary member member member)
    local res_roles=(director deputy_director member member)
    declare -ga DEMO_SEAT=()
    local k
    for i in 0 1 2 3; do
        for k in 0 1 2 3 4; do
            next_rid
            DEMO_SEAT[$((i * 9 + k))]=$rid
            "$hj" seat add --community "${communities[$i]}" --person "${DEMO_PERSON[$((i * 9 + k))]}" \
                --committee party --role "${party_roles[$k]}" --from 2021-01-15 --request-id "$rid" >/dev/null
        done
        for k in 0 1 2 3; do
            next_rid
            DEMO_SEAT[$((i * 9 + 5 + k))]=$rid
            "$hj" seat add --community "${communities[$i]}" --person "${DEMO_PERSON[$((i * 9 + 5 + k))]}" \
                --committee residents --role "${res_roles[$k]}" --from 2021-01-20 --request-id "$rid" >/dev/null
        done
    done
    local cadre=36 # persons 36..47: the subdistrict's cadres

    # 宣传动员: 52 slogan pushes on the screens, 2 policy readings in the WeChat groups.
    for i in 0 1 2 3; do
        w publicity add --community "${communities[$i]}" --channel screen --kind slogan \
            --date 2026-10-1$i --count 13 --title 依法选举，选出好班子
    done
    w publicity add --subdistrict KBS-BH --channel wechat_group --kind policy_reading --date 2026-10-12 \
        --title 《城市居民委员会组织法》解读
    w publicity add --subdistrict KBS-BH --channel wechat_group --kind policy_reading --date 2026-10-15 \
        --title 换届纪律“十严禁”

    # 调研摸底: every sitting member assessed.
    for k in $(seq 0 35); do
        w assessment add --seat "${DEMO_SEAT[$k]}" --date 2026-10-20 --assessor 街道包联领导 \
            --ability $((3 + k % 3)) --performance $((3 + k % 3)) --practice 4 --trust $((3 + (k + 1) % 3))
    done
    w assessment risk KBS-BH-03 --notes 物业矛盾较多，信访集中 --contingency 指导组驻点，提前化解信访矛盾

    # 后备人选台账: 41 reserve candidates, vetted.
    local csv
    csv=$(mktemp)
    echo "id,person_id,name,community,committee,source,added,status,vetting,bar_reason,note" > "$csv"
    for k in $(seq 0 40); do
        printf '00000000-0000-4000-9000-%012d,%s,,%s,%s,社区党组织推荐,2026-10-2%d,active,cleared,,\n' \
            "$k" "${DEMO_PERSON[$((k % 48))]}" "${communities[$((k % 4))]}" \
            "$([ $((k % 2)) -eq 0 ] && echo party || echo residents)" $((k % 8)) >> "$csv"
    done
    w reserve import "$csv"
    rm -f "$csv"

    # 集中整顿: KBS-BH-03's petitions, rectified and closed.
    next_rid; local rect=$rid
    "$hj" rectification open --community KBS-BH-03 --problem petitions --plan 一社一策：包联领导牵头化解物业纠纷 \
        --owner 街道综治办 --date 2026-10-08 --due 2026-11-15 --request-id "$rect" >/dev/null
    w rectification start "$rect" --date 2026-10-09
    w rectification close "$rect" --date 2026-11-12 --note 信访事项已办结 --verified-by 街道党工委

    # 党组织升格: one party committee, two general branches.
    local up
    for c in "KBS-BH-01 committee" "KBS-BH-02 general_branch" "KBS-BH-03 general_branch"; do
        next_rid; up=$rid
        "$hj" upgrade request --community "${c% *}" --to "${c#* }" --date 2026-10-10 --request-id "$up" >/dev/null
        w upgrade approve "$up" --date 2026-10-20
    done

    # 任期审计: every audit completed and published.
    local item
    for i in 0 1 2 3; do
        c=${communities[$i]}
        w audit open --community "$c" --term 2021-2026 --from 2021-01-01 --to 2026-09-30 \
            --auditor 区审计局 --opened 2026-10-08
        w audit advance "$c" --on 2026-10-09
        for item in 1 2 3 4 5 6 7; do
            w audit scope set "$c" "$item" --status examined
        done
        w audit advance "$c" --on 2026-10-25
        w audit advance "$c" --on 2026-11-02
        w audit publish "$c" --on 2026-11-05
    done

    # 健全机构: the leadership group, its office, four guidance groups, four election committees.
    w body add --kind leadership_group --name 滨河街道社区“两委”换届工作领导小组 --subdistrict KBS-BH \
        --leader "${DEMO_PERSON[$cadre]}" --member "${DEMO_PERSON[$((cadre + 1))]}" --formed 2026-10-05
    w body add --kind office --name 领导小组办公室 --subdistrict KBS-BH --leader "${DEMO_PERSON[$((cadre + 1))]}" \
        --formed 2026-10-05
    for i in 0 1 2 3; do
        w body add --kind guidance_group --name "第$((i + 1))指导组" --subdistrict KBS-BH \
            --leader "${DEMO_PERSON[$((cadre + 2 + i))]}" --member "${DEMO_PERSON[$((cadre + 6 + i))]}" \
            --guides "${communities[$i]}" --formed 2026-10-06
        w body add --kind election_committee --name "${names[$i]}居民选举委员会" --community "${communities[$i]}" \
            --leader "${DEMO_PERSON[$((i * 9 + 5))]}" --member "${DEMO_PERSON[$((i * 9 + 6))]}" \
            --member "${DEMO_PERSON[$((i * 9 + 7))]}" --formed 2026-11-10
    done

    # 制定方案: the subdistrict plan and one plan per community, approved at every level.
    local plan step
    next_rid; plan=$rid
    "$hj" plan add --subdistrict KBS-BH --title 滨河街道社区“两委”换届选举工作实施方案 --document 滨党发〔2026〕18号 \
        --date 2026-11-14 --request-id "$plan" >/dev/null
    for step in 1 2 3; do w plan approve "$plan" --step "$step" --date 2026-11-16 --by 审定人; done
    for i in 0 1 2 3; do
        next_rid; plan=$rid
        "$hj" plan add --community "${communities[$i]}" --title "${names[$i]}换届选举方案" --text 一社区一方案 \
            --date 2026-11-18 --request-id "$plan" >/dev/null
        for step in 1 2 3; do w plan approve "$plan" --step "$step" --date 2026-11-19 --by 审定人; done
        w task add --plan "$plan" --title 选民登记 --owner "${names[$i]}居民选举委员会" --due 2026-12-05
    done

    # 培训骨干: the training of 2026-11-17, every election-committee member attending.
    local attendees=()
    for i in 0 1 2 3; do
        for k in 5 6 7; do attendees+=(--attendee "${DEMO_PERSON[$((i * 9 + k))]}:election_committee_member"); done
    done
    w training add --date 2026-11-17 --subdistrict KBS-BH --trainer 街道党工委 \
        --topic 《中国共产党基层组织选举工作条例》 --topic 《城市居民委员会组织法》 "${attendees[@]}"

    # 谈心谈话: 45 survey-phase talks with outside parties, 35 preparation talks with sitting members.
    local roles=(property_company owners_committee resident_representative)
    for k in $(seq 0 44); do
        i=$((k % 4))
        w talk add --community "${communities[$i]}" --phase survey --date "2026-10-$((10 + k % 15))" \
            --interviewer "${DEMO_PERSON[$((cadre + 2 + i))]}" --party "${roles[$((k % 3))]}" \
            --name "受访人$((k + 1))" --summary 了解社区换届相关情况和群众意见
    done
    for k in $(seq 0 34); do
        i=$((k / 9))
        w talk add --community "${communities[$i]}" --phase preparation --date "2026-11-$((10 + k % 12))" \
            --interviewer "${DEMO_PERSON[$((cadre + 2 + i))]}" --person "${DEMO_PERSON[$k]}" \
            --summary 谈心谈话：支持换届工作，服从组织安排
    done
}
