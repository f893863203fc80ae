"""Time: meeting plans and rules, deadlines, rotations, evaluations, schedules, forecasts and calendars."""
