# Huanjie counting-rules profile: party organisation (党组织).
# Source: 中国共产党基层组织选举工作条例 (2020).
#
# Format: `key = value`; `#` starts a comment. A rule reads
#   <what> <comparison> <num>/<den> of <base>
# with comparison `>` (more than) or `>=` (at least), or the word `none`.
# Every rule is evaluated on integers: `a > n/d of b` means a*d > b*n.

name  = party-2020
body  = party
title = Party organisation, grassroots election regulations (2020)

# Party elections are held at a meeting of all members with the right to vote.
modes = ordinary

# Valid meeting: voters present more than 4/5 of those who should attend (应到会).
quorum.ordinary     = present > 4/5 of electorate
electorate.ordinary = who should attend

# No proxy voting.
proxies.ordinary = 0

# More ballots returned than issued: the round is void and the vote is re-run.
ballots.void_if = returned > issued

# A ballot with more votes (yes marks + write-ins) than seats is invalid.
ballot.invalid_if = marks > seats

# Elected: yes votes more than half of the voters PRESENT (实到会), not of ballots cast.
# Exactly half never wins.
elected = votes > 1/2 of present

# Too few elected: a further round (另行选举) for the empty seats, still more
# than half of those present. Its candidate list is drawn up again and must
# pass the candidate-list check for the empty seats.
further.elected  = votes > 1/2 of present
further.standing = new-list

# A tie that decides the last seat: re-vote among the tied only; most votes wins.
revote.elected = none

# Contested list (差额): candidates at least seats x 1.2, rounded up
# (candidates*5 >= seats*6 on integers: 5 seats need 6, 7 seats need 9).
candidates = candidates >= 6/5 of seats

# A write-in (另选他人) is valid only beside a "no" on a candidate; a write-in
# anywhere else makes the whole ballot invalid.
writeins = beside-no

# The voter list (选民名单) of the community is published at least 20 days
# before election day (gate 8 of every election of the community).
voter_list.days_before = 20

# Seats still empty after a counted round (too few elected). The 2020
# regulations let the electing unit reduce the number of seats (减少名额)
# instead of another round when those elected are close to it ("当选人数少于
# 应选名额时，对不足的名额可以另行选举。如果接近应选名额且符合委员会组成
# 规定的，也可以减少名额，不再进行选举"). "Close" is taken here as at most one
# seat short (elected >= seats - 1). Party seats are never left vacant.
vacancy = never
reduce = after-any
reduce.short_max = 1
