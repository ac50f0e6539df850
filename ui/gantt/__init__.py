"""The Gantt ("Calendar" tab): the outline beside a timeline painted from app/timeline geometry."""
