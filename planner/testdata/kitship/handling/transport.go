package handling

import (
	"encoding/json"
	"net/http"
	"time"

	"example.com/kitship/cargo"
)

// MakeHandler returns the handling service's HTTP handler.
func MakeHandler(hs Service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /handling/v1/incidents", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Completed  time.Time
			TrackingID string
			Event      string
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := hs.RegisterHandlingEvent(req.Completed, cargo.TrackingID(req.TrackingID), req.Event); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}
