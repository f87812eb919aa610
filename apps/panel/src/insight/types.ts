/** Shapes of the insight routes (error groups, anomalies, analytics), as the server answers them. */

export type IssueStatus = "open" | "resolved" | "ignored";

export interface Issue {
  id: string;
  title: string;
  fingerprint: string;
  count: number;
  users: number;
  first_seen: string;
  last_seen: string;
  status: IssueStatus;
}

export interface IssueDetail extends Issue {
  exception_type: string;
  event_type: string;
  frames: string[];
  sample_stack: string | null;
}

export interface IssueUser {
  id: string;
  full_name: string | null;
  email: string | null;
  count: number;
  first_seen: string;
  last_seen: string;
}

export interface Anomaly {
  metric: string;
  label: string;
  bucket: string;
  value: number;
  baseline: number;
  score: number;
  flags: { bucket: string; value: number; baseline: number; score: number }[];
  series: { t: string; value: number; baseline: number | null }[];
}

export interface UserAnalytics {
  user_id: string;
  last_seen: string | null;
  totals: {
    events: number;
    errors: number;
    lessons_completed: number;
    videos_viewed: number;
    homework_submitted: number;
    logins: number;
  };
  activity: { day: string; events: number; errors: number }[];
}

export interface FunnelStep {
  event_type: string;
  users: number;
  conversion: number;
  conversion_from_start: number;
}

export interface StalledStudent {
  id: string;
  full_name: string | null;
  email: string | null;
  phone: string | null;
  last_seen: string;
  days_inactive: number;
  last_error: { event_type: string; message: string; created_at: string; issue_id: string | null };
}
