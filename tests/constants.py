"""Request bodies and values several test packages share."""

# A delivered video as the API takes it (deliveries, and reels' `video`).
VIDEO = {
    "provider": "kling",
    "model": "kling-2.1-pro",
    "video_url": "https://cdn.example.com/delivery/1.mp4",
    "duration_s": 15,
    "width": 1080,
    "height": 1920,
    "fps": 24,
}
# The password every factory-made user has (tests.factories.UserFactory).
PASSWORD = "Str0ng-pass!"
