from django.db import models


class Visit(models.Model):
    """A page view, written by the web process and picked up by the worker."""

    created_at = models.DateTimeField(auto_now_add=True)
    user_agent = models.CharField(max_length=200, blank=True)
    processed_by = models.CharField(max_length=50, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"Visit #{self.pk}"
