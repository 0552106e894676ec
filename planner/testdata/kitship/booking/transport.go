package booking

import (
	"encoding/json"
	"net/http"
	"strings"

	"example.com/kitship/cargo"
)

// MakeHandler returns the booking service's HTTP handler.
func MakeHandler(bs Service) http.Handler {
	h := &handler{s: bs}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /booking/v1/cargos", h.book)
	mux.HandleFunc("GET /booking/v1/cargos", h.list)
	mux.HandleFunc("GET /booking/v1/cargos/{id}", h.load)
	mux.HandleFunc("POST /booking/v1/cargos/{id}/assign_to_route", h.assign)
	mux.HandleFunc("GET /booking/v1/cargos/{id}/request_routes", h.routes)
	return mux
}

type handler struct{ s Service }

func (h *handler) book(w http.ResponseWriter, r *http.Request) {
	var req struct{ Origin, Destination string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, err := h.s.BookNewCargo(req.Origin, req.Destination)
	if err != nil {
		encodeError(w, err)
		return
	}
	writeJSON(w, map[string]string{"tracking_id": string(id)})
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, h.s.Cargos())
}

func (h *handler) load(w http.ResponseWriter, r *http.Request) {
	c, err := h.s.LoadCargo(cargo.TrackingID(r.PathValue("id")))
	if err != nil {
		encodeError(w, err)
		return
	}
	writeJSON(w, c)
}

func (h *handler) routes(w http.ResponseWriter, r *http.Request) {
	routes, err := h.s.RequestPossibleRoutes(cargo.TrackingID(r.PathValue("id")))
	if err != nil {
		encodeError(w, err)
		return
	}
	writeJSON(w, routes)
}

func (h *handler) assign(w http.ResponseWriter, r *http.Request) {
	var req struct{ Legs string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.s.AssignCargoToRoute(cargo.TrackingID(r.PathValue("id")), strings.Split(req.Legs, ",")); err != nil {
		encodeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func encodeError(w http.ResponseWriter, err error) {
	switch err {
	case cargo.ErrUnknown:
		http.Error(w, err.Error(), http.StatusNotFound)
	case ErrInvalidArgument:
		http.Error(w, err.Error(), http.StatusBadRequest)
	default:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
