"""Reminder timing (plain functions) and the jobs that send reminders."""
