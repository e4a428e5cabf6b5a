-- Scale-out: the instances that send to one account's rate limit (budget 'stripe'), each with a heartbeat. A member
-- that wants to send counts towards the split: each wanting member may send budget / (wanting members). A member whose
-- heartbeat is older than the lease is gone, and its share goes to the others (SharedRateBudget).
create table rate_budget_members (
    budget       varchar(64)      not null,
    member       varchar(128)     not null,
    wants        boolean          not null,
    share        double precision not null,
    heartbeat_at timestamptz      not null,
    primary key (budget, member)
);
