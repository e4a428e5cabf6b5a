-- Reconciliation, Stripe event catch-up and backfill.

-- Quartz's clustered JDBC job store (quartz 2.5.0, tables_postgres.sql): the reconcile-trigger fires once per cluster.
create table qrtz_job_details
(
  sched_name        varchar(120) not null,
  job_name          varchar(200) not null,
  job_group         varchar(200) not null,
  description       varchar(250) null,
  job_class_name    varchar(250) not null,
  is_durable        bool         not null,
  is_nonconcurrent  bool         not null,
  is_update_data    bool         not null,
  requests_recovery bool         not null,
  job_data          bytea        null,
  primary key (sched_name, job_name, job_group)
);

create table qrtz_triggers
(
  sched_name     varchar(120) not null,
  trigger_name   varchar(200) not null,
  trigger_group  varchar(200) not null,
  job_name       varchar(200) not null,
  job_group      varchar(200) not null,
  description    varchar(250) null,
  next_fire_time bigint       null,
  prev_fire_time bigint       null,
  priority       integer      null,
  trigger_state  varchar(16)  not null,
  trigger_type   varchar(8)   not null,
  start_time     bigint       not null,
  end_time       bigint       null,
  calendar_name  varchar(200) null,
  misfire_instr  smallint     null,
  job_data       bytea        null,
  primary key (sched_name, trigger_name, trigger_group),
  foreign key (sched_name, job_name, job_group)
  references qrtz_job_details (sched_name, job_name, job_group)
);

create table qrtz_simple_triggers
(
  sched_name      varchar(120) not null,
  trigger_name    varchar(200) not null,
  trigger_group   varchar(200) not null,
  repeat_count    bigint       not null,
  repeat_interval bigint       not null,
  times_triggered bigint       not null,
  primary key (sched_name, trigger_name, trigger_group),
  foreign key (sched_name, trigger_name, trigger_group)
  references qrtz_triggers (sched_name, trigger_name, trigger_group)
);

create table qrtz_cron_triggers
(
  sched_name      varchar(120) not null,
  trigger_name    varchar(200) not null,
  trigger_group   varchar(200) not null,
  cron_expression varchar(120) not null,
  time_zone_id    varchar(80),
  primary key (sched_name, trigger_name, trigger_group),
  foreign key (sched_name, trigger_name, trigger_group)
  references qrtz_triggers (sched_name, trigger_name, trigger_group)
);

create table qrtz_simprop_triggers
(
  sched_name    varchar(120)   not null,
  trigger_name  varchar(200)   not null,
  trigger_group varchar(200)   not null,
  str_prop_1    varchar(512)   null,
  str_prop_2    varchar(512)   null,
  str_prop_3    varchar(512)   null,
  int_prop_1    int            null,
  int_prop_2    int            null,
  long_prop_1   bigint         null,
  long_prop_2   bigint         null,
  dec_prop_1    numeric(13, 4) null,
  dec_prop_2    numeric(13, 4) null,
  bool_prop_1   bool           null,
  bool_prop_2   bool           null,
  primary key (sched_name, trigger_name, trigger_group),
  foreign key (sched_name, trigger_name, trigger_group)
  references qrtz_triggers (sched_name, trigger_name, trigger_group)
);

create table qrtz_blob_triggers
(
  sched_name    varchar(120) not null,
  trigger_name  varchar(200) not null,
  trigger_group varchar(200) not null,
  blob_data     bytea        null,
  primary key (sched_name, trigger_name, trigger_group),
  foreign key (sched_name, trigger_name, trigger_group)
  references qrtz_triggers (sched_name, trigger_name, trigger_group)
);

create table qrtz_calendars
(
  sched_name    varchar(120) not null,
  calendar_name varchar(200) not null,
  calendar      bytea        not null,
  primary key (sched_name, calendar_name)
);

create table qrtz_paused_trigger_grps
(
  sched_name    varchar(120) not null,
  trigger_group varchar(200) not null,
  primary key (sched_name, trigger_group)
);

create table qrtz_fired_triggers
(
  sched_name        varchar(120) not null,
  entry_id          varchar(95)  not null,
  trigger_name      varchar(200) not null,
  trigger_group     varchar(200) not null,
  instance_name     varchar(200) not null,
  fired_time        bigint       not null,
  sched_time        bigint       not null,
  priority          integer      not null,
  state             varchar(16)  not null,
  job_name          varchar(200) null,
  job_group         varchar(200) null,
  is_nonconcurrent  bool         null,
  requests_recovery bool         null,
  primary key (sched_name, entry_id)
);

create table qrtz_scheduler_state
(
  sched_name        varchar(120) not null,
  instance_name     varchar(200) not null,
  last_checkin_time bigint       not null,
  checkin_interval  bigint       not null,
  primary key (sched_name, instance_name)
);

create table qrtz_locks
(
  sched_name varchar(120) not null,
  lock_name  varchar(40)  not null,
  primary key (sched_name, lock_name)
);

create index idx_qrtz_j_req_recovery
  on qrtz_job_details (sched_name, requests_recovery);
create index idx_qrtz_j_grp
  on qrtz_job_details (sched_name, job_group);

create index idx_qrtz_t_j
  on qrtz_triggers (sched_name, job_name, job_group);
create index idx_qrtz_t_jg
  on qrtz_triggers (sched_name, job_group);
create index idx_qrtz_t_c
  on qrtz_triggers (sched_name, calendar_name);
create index idx_qrtz_t_g
  on qrtz_triggers (sched_name, trigger_group);
create index idx_qrtz_t_state
  on qrtz_triggers (sched_name, trigger_state);
create index idx_qrtz_t_n_state
  on qrtz_triggers (sched_name, trigger_name, trigger_group, trigger_state);
create index idx_qrtz_t_n_g_state
  on qrtz_triggers (sched_name, trigger_group, trigger_state);
create index idx_qrtz_t_next_fire_time
  on qrtz_triggers (sched_name, next_fire_time);
create index idx_qrtz_t_nft_st
  on qrtz_triggers (sched_name, trigger_state, next_fire_time);
create index idx_qrtz_t_nft_misfire
  on qrtz_triggers (sched_name, misfire_instr, next_fire_time);
create index idx_qrtz_t_nft_st_misfire
  on qrtz_triggers (sched_name, misfire_instr, next_fire_time, trigger_state);
create index idx_qrtz_t_nft_st_misfire_grp
  on qrtz_triggers (sched_name, misfire_instr, next_fire_time, trigger_group, trigger_state);

create index idx_qrtz_ft_trig_inst_name
  on qrtz_fired_triggers (sched_name, instance_name);
create index idx_qrtz_ft_inst_job_req_rcvry
  on qrtz_fired_triggers (sched_name, instance_name, requests_recovery);
create index idx_qrtz_ft_j_g
  on qrtz_fired_triggers (sched_name, job_name, job_group);
create index idx_qrtz_ft_jg
  on qrtz_fired_triggers (sched_name, job_group);
create index idx_qrtz_ft_t_g
  on qrtz_fired_triggers (sched_name, trigger_name, trigger_group);
create index idx_qrtz_ft_tg
  on qrtz_fired_triggers (sched_name, trigger_group);

-- One row per reconciliation run. status: running, completed, failed, abandoned (its instance stopped beating).
-- progress: {phase, stripe_listed, local_compared, local_total, ...}; counts: mismatches per kind and per status.
create table reconciliation_reports (
    id              bigserial    primary key,
    status          varchar(16)  not null,
    trigger         varchar(16)  not null,
    requested_by    varchar(128),
    scheduled_for   timestamptz,
    auto_resolve    boolean      not null,
    dry_run         boolean      not null,
    source_of_truth varchar(16)  not null,
    progress        jsonb        not null default '{}',
    counts          jsonb        not null default '{}',
    error           text,
    started_at      timestamptz  not null default now(),
    heartbeat_at    timestamptz  not null default now(),
    finished_at     timestamptz
);
-- at most one run at a time, across instances
create unique index reconciliation_reports_running_uq on reconciliation_reports ((true)) where status = 'running';
create index reconciliation_reports_started_idx on reconciliation_reports (id desc);

-- What one run found. kind: field_mismatch (field name, email or active), missing_remote, missing_local,
-- broken_link, duplicate, unlinked. status: open (action proposed), resolved, conflict (handed to the conflicts).
create table reconciliation_mismatches (
    id                 bigserial    primary key,
    report_id          bigint       not null references reconciliation_reports (id),
    customer_id        bigint       references customers (id),
    stripe_customer_id varchar(255),
    kind               varchar(32)  not null,
    field              varchar(32),
    local_value        text,
    remote_value       text,
    local_version      bigint,
    action             varchar(32)  not null,
    direction          varchar(16)  not null,
    status             varchar(16)  not null,
    note               text,
    conflict_id        bigint       references conflicts (id),
    resolved_by        varchar(128),
    resolved_at        timestamptz,
    detected_at        timestamptz  not null default now()
);
create index reconciliation_mismatches_report_idx on reconciliation_mismatches (report_id, id);
create index reconciliation_mismatches_report_kind_idx on reconciliation_mismatches (report_id, kind, status, id);

-- Every resolution of a mismatch, automatic or by an admin.
create table reconciliation_audit (
    id          bigserial    primary key,
    mismatch_id bigint       not null references reconciliation_mismatches (id),
    action      varchar(32)  not null,
    direction   varchar(16)  not null,
    actor       varchar(128) not null,
    detail      jsonb,
    at          timestamptz  not null default now()
);
create index reconciliation_audit_mismatch_idx on reconciliation_audit (mismatch_id, id);

-- The Stripe customers a running reconciliation has listed, so that the comparison pages through both sides in
-- PostgreSQL, not in memory. Emptied at the start and the end of each run; unlogged: a crash loses only a run.
create unlogged table reconciliation_remote (
    stripe_id varchar(255) primary key,
    local_id  bigint,
    name      text,
    email     text,
    created   bigint       not null
);
create index reconciliation_remote_local_idx on reconciliation_remote (local_id) where local_id is not null;

-- The comparison asks whether a webhook for a customer is still waiting to be applied.
create index webhook_events_pending_object_idx on webhook_events (object_id) where status = 'pending';

-- Event catch-up: how far Stripe's event log has been read (event created time, whole seconds), and which instance
-- holds the lease to read it. gap_since: the cursor fell out of Stripe's 30 days; a full reconciliation is due.
create table sync_cursors (
    name          varchar(64)  primary key,
    created       bigint       not null,
    last_event_id varchar(255),
    last_run_at   timestamptz,
    last_result   jsonb,
    last_error    text,
    gap_since     timestamptz,
    lease_owner   varchar(128),
    lease_until   timestamptz,
    updated_at    timestamptz  not null default now()
);

-- Backfill: one import of every Stripe customer; cursor is the last Stripe id done (Stripe lists newest first).
-- status: running, completed, failed, stopped (by an admin; resumable). owner: the token of the thread that runs it
-- now; a start, a resume or a takeover issues a new one, so a thread that was stopped can never commit a page again.
create table backfill_runs (
    id           bigserial    primary key,
    status       varchar(16)  not null,
    owner        varchar(64),
    requested_by varchar(128),
    cursor       varchar(255),
    counts       jsonb        not null default '{}',
    error        text,
    started_at   timestamptz  not null default now(),
    heartbeat_at timestamptz  not null default now(),
    finished_at  timestamptz
);
create unique index backfill_runs_running_uq on backfill_runs ((true)) where status = 'running';
