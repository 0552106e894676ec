package tracking

import (
	"encoding/json"
	"net/http"
)

// MakeHandler returns the tracking service's HTTP handler.
func MakeHandler(ts Service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tracking/v1/cargos/{id}", func(w http.ResponseWriter, r *http.Request) {
		c, err := ts.Track(r.PathValue("id"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c)
	})
	return mux
}
