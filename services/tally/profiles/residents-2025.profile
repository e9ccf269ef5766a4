# Huanjie counting-rules profile: residents' committee (居民委员会).
# Source: 城市居民委员会组织法 as revised 2025, with the usual provincial
# election measures (选举办法) where the law leaves a choice.
#
# Format: `key = value`; `#` starts a comment. A rule reads
#   <what> <comparison> <num>/<den> of <base>
# with comparison `>` (more than) or `>=` (at least), or the word `none`.
# Every rule is evaluated on integers: `a > n/d of b` means a*d > b*n.

name  = residents-2025
body  = residents
title = Residents' committee, Organic Law of Urban Residents' Committees (2025)

# Elected by all registered voters, by one representative per household, or by
# residents' representatives (居民代表).
modes = ordinary household representative

# Valid election: more than half of the registered voters (or households)
# voted (过半数投票) -- counted as ballots cast, in person or by proxy;
# in representative mode more than 2/3 of the representatives.
quorum.ordinary            = cast > 1/2 of electorate
electorate.ordinary        = registered voters
quorum.household           = cast > 1/2 of electorate
electorate.household       = registered households
quorum.representative      = cast > 2/3 of electorate
electorate.representative  = residents' representatives

# Proxy ballots one voter may hold (委托投票): at most 3; none among representatives.
proxies.ordinary       = 3
proxies.household      = 3
proxies.representative = 0

# More ballots returned than issued: the round is void and the vote is re-run.
ballots.void_if = returned > issued

# A ballot with more votes (yes marks + write-ins) than seats is invalid.
ballot.invalid_if = marks > seats

# Elected: more than half of the BALLOTS CAST (参加投票). Exactly half never wins.
elected = votes > 1/2 of cast

# Too few elected: a further round (另行选举) for the empty seats. The top
# unelected by first-round votes stand: one more than the empty seats
# (the smallest contested list), plus anyone tied with the last place.
# Most votes wins, provided the votes are at least 1/3 of the ballots cast.
further.elected  = votes >= 1/3 of cast
further.standing = top 1 x seats + 1

# A tie that decides the last seat: re-vote among the tied only; most votes wins.
revote.elected = none

# Contested list (差额): more candidates than seats.
candidates = candidates > seats

# Write-ins (另选他人) follow the provincial rule; this profile allows them.
# Set `forbidden` where the province forbids them (the ballot is then invalid).
writeins = allowed

# 选民名单: published at least 20 days before election day; an objection
# (申诉) is filed within 5 days of publication and decided within 3 days.
voter_list.days_before = 20
objections.file_days   = 5
objections.decide_days = 3

# Seats still empty after the further round (另行选举) stay vacant (暂缺) under
# the usual provincial election measures ("经另行选举，当选人数仍不足应选名额
# 的，不足的名额暂缺"), and are filled by a by-election (补选) within three
# months. Before the further round they are not closed: the further round
# comes first. The residents' committee does not reduce its seats.
vacancy = after-further
vacancy.by_election_months = 3
reduce = never
