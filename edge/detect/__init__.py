"""Object detectors for the lane: vehicles (and plates) as boxes, before any reading."""

from edge.detect.base import Detection, Detector
from edge.detect.loader import load_detector

__all__ = ["Detection", "Detector", "load_detector"]
